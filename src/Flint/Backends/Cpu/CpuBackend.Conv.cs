using System.Numerics;
using Flint.Backends.Cpu.Conv;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Im2Col(TensorLayout input, TensorLayout columns, WindowGeometry g)
    {
        switch (input.DType.scalar_type)
        {
            case ScalarType.Float32: Unfold.Im2Col(Arr<float>(input), input.Offset, input.Shape, Arr<float>(columns), columns.Offset, g); break;
            case ScalarType.Float64: Unfold.Im2Col(Arr<double>(input), input.Offset, input.Shape, Arr<double>(columns), columns.Offset, g); break;
            case ScalarType.Int64: Unfold.Im2Col(Arr<long>(input), input.Offset, input.Shape, Arr<long>(columns), columns.Offset, g); break;
            case ScalarType.Int32: Unfold.Im2Col(Arr<int>(input), input.Offset, input.Shape, Arr<int>(columns), columns.Offset, g); break;
            case ScalarType.Int16: Unfold.Im2Col(Arr<short>(input), input.Offset, input.Shape, Arr<short>(columns), columns.Offset, g); break;
            case ScalarType.Int8: Unfold.Im2Col(Arr<sbyte>(input), input.Offset, input.Shape, Arr<sbyte>(columns), columns.Offset, g); break;
            case ScalarType.UInt8: Unfold.Im2Col(Arr<byte>(input), input.Offset, input.Shape, Arr<byte>(columns), columns.Offset, g); break;
            default: throw Unsupported("im2col", input.DType);
        }
    }

    public void Col2Im(TensorLayout columns, TensorLayout input, WindowGeometry g)
    {
        switch (input.DType.scalar_type)
        {
            case ScalarType.Float32: Unfold.Col2Im(Arr<float>(columns), columns.Offset, Arr<float>(input), input.Offset, input.Shape, g); break;
            case ScalarType.Float64: Unfold.Col2Im(Arr<double>(columns), columns.Offset, Arr<double>(input), input.Offset, input.Shape, g); break;
            case ScalarType.Int64: Unfold.Col2Im(Arr<long>(columns), columns.Offset, Arr<long>(input), input.Offset, input.Shape, g); break;
            case ScalarType.Int32: Unfold.Col2Im(Arr<int>(columns), columns.Offset, Arr<int>(input), input.Offset, input.Shape, g); break;
            case ScalarType.Int16: Unfold.Col2Im(Arr<short>(columns), columns.Offset, Arr<short>(input), input.Offset, input.Shape, g); break;
            case ScalarType.Int8: Unfold.Col2Im(Arr<sbyte>(columns), columns.Offset, Arr<sbyte>(input), input.Offset, input.Shape, g); break;
            case ScalarType.UInt8: Unfold.Col2Im(Arr<byte>(columns), columns.Offset, Arr<byte>(input), input.Offset, input.Shape, g); break;
            default: throw Unsupported("col2im", input.DType);
        }
    }

    private static int Planes(TensorLayout t) => checked((int)(t.Numel / Math.Max(1, t.Shape[^1] * t.Shape[^2])));

    public void MaxPool2d(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g)
    {
        int p = checked((int)output.Shape[0]);
        switch (input.DType.scalar_type)
        {
            case ScalarType.Float32: Pool.Max(Arr<float>(input), input.Offset, Arr<float>(output), output.Offset, Arr<long>(indices), indices.Offset, p, g); break;
            case ScalarType.Float64: Pool.Max(Arr<double>(input), input.Offset, Arr<double>(output), output.Offset, Arr<long>(indices), indices.Offset, p, g); break;
            default: throw Unsupported("max_pool2d", input.DType);
        }
    }

    public void MaxPoolBackward(TensorLayout gradOutput, TensorLayout indices, TensorLayout gradInput)
    {
        int p = checked((int)gradInput.Shape[0]), plane = checked((int)gradInput.Shape[1]), l = checked((int)gradOutput.Shape[1]);
        switch (gradInput.DType.scalar_type)
        {
            case ScalarType.Float32: Pool.Scatter(Arr<float>(gradOutput), gradOutput.Offset, Arr<long>(indices), indices.Offset, Arr<float>(gradInput), gradInput.Offset, p, l, plane); break;
            case ScalarType.Float64: Pool.Scatter(Arr<double>(gradOutput), gradOutput.Offset, Arr<long>(indices), indices.Offset, Arr<double>(gradInput), gradInput.Offset, p, l, plane); break;
            default: throw Unsupported("max_pool2d_with_indices_backward", gradInput.DType);
        }
    }

    public void AvgPool2d(TensorLayout input, TensorLayout output, WindowGeometry g, bool countIncludePad, long divisorOverride)
    {
        int p = checked((int)output.Shape[0]);
        switch (input.DType.scalar_type)
        {
            case ScalarType.Float32: Pool.Avg(Arr<float>(input), input.Offset, Arr<float>(output), output.Offset, p, g, countIncludePad, divisorOverride); break;
            case ScalarType.Float64: Pool.Avg(Arr<double>(input), input.Offset, Arr<double>(output), output.Offset, p, g, countIncludePad, divisorOverride); break;
            case ScalarType.Int64: Pool.Avg(Arr<long>(input), input.Offset, Arr<long>(output), output.Offset, p, g, countIncludePad, divisorOverride); break;
            default: throw Unsupported("avg_pool2d", input.DType);
        }
    }

    public void AvgPool2dBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride)
    {
        int p = checked((int)gradInput.Shape[0]);
        switch (gradInput.DType.scalar_type)
        {
            case ScalarType.Float32: Pool.AvgBackward(Arr<float>(gradOutput), gradOutput.Offset, Arr<float>(gradInput), gradInput.Offset, p, g, countIncludePad, divisorOverride); break;
            case ScalarType.Float64: Pool.AvgBackward(Arr<double>(gradOutput), gradOutput.Offset, Arr<double>(gradInput), gradInput.Offset, p, g, countIncludePad, divisorOverride); break;
            default: throw Unsupported("avg_pool2d_backward_out_frame", gradInput.DType);
        }
    }

    public void AdaptiveAvgPool2d(TensorLayout input, TensorLayout output, WindowGeometry g)
    {
        int p = checked((int)output.Shape[0]);
        switch (input.DType.scalar_type)
        {
            case ScalarType.Float32: Pool.AdaptiveAvg(Arr<float>(input), input.Offset, Arr<float>(output), output.Offset, p, g); break;
            case ScalarType.Float64: Pool.AdaptiveAvg(Arr<double>(input), input.Offset, Arr<double>(output), output.Offset, p, g); break;
            default: throw Unsupported("adaptive_avg_pool2d", input.DType);
        }
    }

    public void AdaptiveAvgPool2dBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g)
    {
        int p = checked((int)gradInput.Shape[0]);
        switch (gradInput.DType.scalar_type)
        {
            case ScalarType.Float32: Pool.AdaptiveAvgBackward(Arr<float>(gradOutput), gradOutput.Offset, Arr<float>(gradInput), gradInput.Offset, p, g); break;
            case ScalarType.Float64: Pool.AdaptiveAvgBackward(Arr<double>(gradOutput), gradOutput.Offset, Arr<double>(gradInput), gradInput.Offset, p, g); break;
            default: throw Unsupported("adaptive_avg_pool2d_backward_cpu", gradInput.DType);
        }
    }

    public void AdaptiveMaxPool2d(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g)
    {
        int p = checked((int)output.Shape[0]);
        switch (input.DType.scalar_type)
        {
            case ScalarType.Float32: Pool.AdaptiveMax(Arr<float>(input), input.Offset, Arr<float>(output), output.Offset, Arr<long>(indices), indices.Offset, p, g); break;
            case ScalarType.Float64: Pool.AdaptiveMax(Arr<double>(input), input.Offset, Arr<double>(output), output.Offset, Arr<long>(indices), indices.Offset, p, g); break;
            default: throw Unsupported("adaptive_max_pool2d", input.DType);
        }
    }
}
