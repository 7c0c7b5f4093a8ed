using Flint.Ops.Kernels;

namespace Flint.Backends.Meta;

// Products, reductions, indexing, convolution and pooling on the meta device: outputs are already shaped, so
// nothing is computed; only the kernels whose output size depends on the values refuse.
internal sealed partial class MetaBackend
{
    public void Gemm(TensorLayout a, TensorLayout b, TensorLayout c, Scalar alpha, Scalar beta) { }
    public void Dot(TensorLayout a, TensorLayout b, TensorLayout y) { }

    public void Reduce<TOp>(TensorLayout x, int[] dims, TensorLayout y, double arg) where TOp : IReduceOp { }
    public void IndexReduce<TOp>(TensorLayout x, int dim, TensorLayout? values, TensorLayout indices, long arg) where TOp : IIndexReduceOp { }
    public void Scan<TOp>(TensorLayout x, int dim, TensorLayout y) where TOp : IScanOp { }
    public void Sort(TensorLayout x, int dim, bool descending, TensorLayout? values, TensorLayout indices) { }
    public void Softmax(TensorLayout x, int dim, TensorLayout y, bool log) { }
    public void SoftmaxBackward(TensorLayout grad, TensorLayout y, int dim, TensorLayout gx, bool log, bool accumulate) { }
    public (TensorLayout values, TensorLayout inverse, TensorLayout counts) UniqueRows(TensorLayout x) => throw MetaStorage.NoKernel("aten::_unique2");

    public void IndexGather(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides) { }
    public void IndexScatter(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides, ScatterReduce reduce) { }
    public TensorLayout Nonzero(TensorLayout mask) => throw MetaStorage.NoKernel("aten::nonzero");

    public void Im2Col(TensorLayout input, TensorLayout columns, WindowGeometry g) { }
    public void Col2Im(TensorLayout columns, TensorLayout input, WindowGeometry g) { }
    public void MaxPool(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g) { }
    public void MaxPoolBackward(TensorLayout gradOutput, TensorLayout indices, TensorLayout gradInput) { }
    public void AvgPool(TensorLayout input, TensorLayout output, WindowGeometry g, bool countIncludePad, long divisorOverride) { }
    public void AvgPoolBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride) { }
    public void AdaptiveAvgPool(TensorLayout input, TensorLayout output, WindowGeometry g) { }
    public void AdaptiveAvgPoolBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g) { }
    public void AdaptiveMaxPool(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g) { }

    public void ConvForward(TensorLayout input, TensorLayout weight, TensorLayout? bias, TensorLayout output, WindowGeometry g, int groups) { }
    public void ConvInputGrad(TensorLayout gradOutput, TensorLayout weight, TensorLayout gradInput, WindowGeometry g, int groups) { }
    public void ConvWeightGrad(TensorLayout input, TensorLayout gradOutput, TensorLayout gradWeight, WindowGeometry g, int groups) { }

    public void ThresholdBackward(TensorLayout gradOutput, TensorLayout self, TensorLayout gradInput, double threshold) { }
    public void GeluBackward(TensorLayout gradOutput, TensorLayout self, TensorLayout gradInput, bool tanh) { }
    public void LstmCell(TensorLayout inputGates, TensorLayout hiddenGates, TensorLayout cx, TensorLayout hy, TensorLayout cy, TensorLayout workspace) { }
    public void LstmCellBackward(TensorLayout? gradHy, TensorLayout? gradCy, TensorLayout cx, TensorLayout cy, TensorLayout workspace,
        TensorLayout gradGates, TensorLayout gradCx) { }
    public void AdamStep(TensorLayout param, TensorLayout grad, TensorLayout expAvg, TensorLayout expAvgSq,
        double decay, double beta1, double beta2, double biasCorrection2Sqrt, double eps, double stepSize, bool maximize) { }
    public void Axpy(TensorLayout y, TensorLayout x, double alpha) { }

    public Storage NumberOperand(Scalar value, DType dtype) => new MetaStorage(dtype, 1);
    public Storage Scratch(DType dtype, long count) => new MetaStorage(dtype, count);
}
