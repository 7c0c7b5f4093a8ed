using Flint.Ops.Kernels;

namespace Flint.Backends.Meta;

// Products, reductions, indexing, convolution and pooling on the meta device: outputs are already shaped, so
// nothing is computed; only the kernels whose output size depends on the values refuse.
internal sealed partial class MetaBackend
{
    public void Gemm(Tensor a, Tensor b, Tensor c, Scalar alpha, Scalar beta) { }
    public void Dot(Tensor a, Tensor b, Tensor y) { }

    public void Reduce<TOp>(Tensor x, int[] dims, Tensor y, double arg) where TOp : IReduceOp { }
    public void IndexReduce<TOp>(Tensor x, int dim, Tensor? values, Tensor indices, long arg) where TOp : IIndexReduceOp { }
    public void Scan<TOp>(Tensor x, int dim, Tensor y) where TOp : IScanOp { }
    public void Sort(Tensor x, int dim, bool descending, Tensor? values, Tensor indices) { }
    public void Softmax(Tensor x, int dim, Tensor y, bool log) { }
    public (Tensor values, Tensor inverse, Tensor counts) UniqueRows(Tensor x) => throw MetaStorage.NoKernel("aten::_unique2");

    public void IndexGather(Tensor dst, Tensor src, Tensor[] indices, long[] strides) { }
    public void IndexScatter(Tensor dst, Tensor src, Tensor[] indices, long[] strides, ScatterReduce reduce) { }
    public Tensor Nonzero(Tensor mask) => throw MetaStorage.NoKernel("aten::nonzero");

    public void Im2Col(Tensor input, Tensor columns, WindowGeometry g) { }
    public void Col2Im(Tensor columns, Tensor input, WindowGeometry g) { }
    public void MaxPool2d(Tensor input, Tensor output, Tensor indices, WindowGeometry g) { }
    public void MaxPoolBackward(Tensor gradOutput, Tensor indices, Tensor gradInput) { }
    public void AvgPool2d(Tensor input, Tensor output, WindowGeometry g, bool countIncludePad, long divisorOverride) { }
    public void AvgPool2dBackward(Tensor gradOutput, Tensor gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride) { }
    public void AdaptiveAvgPool2d(Tensor input, Tensor output, WindowGeometry g) { }
    public void AdaptiveAvgPool2dBackward(Tensor gradOutput, Tensor gradInput, WindowGeometry g) { }
    public void AdaptiveMaxPool2d(Tensor input, Tensor output, Tensor indices, WindowGeometry g) { }
}
