using System.Numerics;
using Flint.Backends.Cpu.Conv;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Im2Col(Tensor input, Tensor columns, WindowGeometry g)
    {
        switch (input.dtype.scalar_type)
        {
            case ScalarType.Float32: Unfold.Im2Col(Arr<float>(input), input._offset, input._shape, Arr<float>(columns), columns._offset, g); break;
            case ScalarType.Float64: Unfold.Im2Col(Arr<double>(input), input._offset, input._shape, Arr<double>(columns), columns._offset, g); break;
            case ScalarType.Int64: Unfold.Im2Col(Arr<long>(input), input._offset, input._shape, Arr<long>(columns), columns._offset, g); break;
            case ScalarType.Int32: Unfold.Im2Col(Arr<int>(input), input._offset, input._shape, Arr<int>(columns), columns._offset, g); break;
            case ScalarType.Int16: Unfold.Im2Col(Arr<short>(input), input._offset, input._shape, Arr<short>(columns), columns._offset, g); break;
            case ScalarType.Int8: Unfold.Im2Col(Arr<sbyte>(input), input._offset, input._shape, Arr<sbyte>(columns), columns._offset, g); break;
            case ScalarType.UInt8: Unfold.Im2Col(Arr<byte>(input), input._offset, input._shape, Arr<byte>(columns), columns._offset, g); break;
            default: throw Unsupported("im2col", input.dtype);
        }
    }

    public void Col2Im(Tensor columns, Tensor input, WindowGeometry g)
    {
        switch (input.dtype.scalar_type)
        {
            case ScalarType.Float32: Unfold.Col2Im(Arr<float>(columns), columns._offset, Arr<float>(input), input._offset, input._shape, g); break;
            case ScalarType.Float64: Unfold.Col2Im(Arr<double>(columns), columns._offset, Arr<double>(input), input._offset, input._shape, g); break;
            case ScalarType.Int64: Unfold.Col2Im(Arr<long>(columns), columns._offset, Arr<long>(input), input._offset, input._shape, g); break;
            case ScalarType.Int32: Unfold.Col2Im(Arr<int>(columns), columns._offset, Arr<int>(input), input._offset, input._shape, g); break;
            case ScalarType.Int16: Unfold.Col2Im(Arr<short>(columns), columns._offset, Arr<short>(input), input._offset, input._shape, g); break;
            case ScalarType.Int8: Unfold.Col2Im(Arr<sbyte>(columns), columns._offset, Arr<sbyte>(input), input._offset, input._shape, g); break;
            case ScalarType.UInt8: Unfold.Col2Im(Arr<byte>(columns), columns._offset, Arr<byte>(input), input._offset, input._shape, g); break;
            default: throw Unsupported("col2im", input.dtype);
        }
    }

    private static int Planes(Tensor t) => checked((int)(t.numel() / Math.Max(1, t._shape[^1] * t._shape[^2])));

    public void MaxPool2d(Tensor input, Tensor output, Tensor indices, WindowGeometry g)
    {
        int p = checked((int)output._shape[0]);
        switch (input.dtype.scalar_type)
        {
            case ScalarType.Float32: Pool.Max(Arr<float>(input), input._offset, Arr<float>(output), output._offset, Arr<long>(indices), indices._offset, p, g); break;
            case ScalarType.Float64: Pool.Max(Arr<double>(input), input._offset, Arr<double>(output), output._offset, Arr<long>(indices), indices._offset, p, g); break;
            default: throw Unsupported("max_pool2d", input.dtype);
        }
    }

    public void MaxPoolBackward(Tensor gradOutput, Tensor indices, Tensor gradInput)
    {
        int p = checked((int)gradInput._shape[0]), plane = checked((int)gradInput._shape[1]), l = checked((int)gradOutput._shape[1]);
        switch (gradInput.dtype.scalar_type)
        {
            case ScalarType.Float32: Pool.Scatter(Arr<float>(gradOutput), gradOutput._offset, Arr<long>(indices), indices._offset, Arr<float>(gradInput), gradInput._offset, p, l, plane); break;
            case ScalarType.Float64: Pool.Scatter(Arr<double>(gradOutput), gradOutput._offset, Arr<long>(indices), indices._offset, Arr<double>(gradInput), gradInput._offset, p, l, plane); break;
            default: throw Unsupported("max_pool2d_with_indices_backward", gradInput.dtype);
        }
    }

    public void AvgPool2d(Tensor input, Tensor output, WindowGeometry g, bool countIncludePad, long divisorOverride)
    {
        int p = checked((int)output._shape[0]);
        switch (input.dtype.scalar_type)
        {
            case ScalarType.Float32: Pool.Avg(Arr<float>(input), input._offset, Arr<float>(output), output._offset, p, g, countIncludePad, divisorOverride); break;
            case ScalarType.Float64: Pool.Avg(Arr<double>(input), input._offset, Arr<double>(output), output._offset, p, g, countIncludePad, divisorOverride); break;
            case ScalarType.Int64: Pool.Avg(Arr<long>(input), input._offset, Arr<long>(output), output._offset, p, g, countIncludePad, divisorOverride); break;
            default: throw Unsupported("avg_pool2d", input.dtype);
        }
    }

    public void AvgPool2dBackward(Tensor gradOutput, Tensor gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride)
    {
        int p = checked((int)gradInput._shape[0]);
        switch (gradInput.dtype.scalar_type)
        {
            case ScalarType.Float32: Pool.AvgBackward(Arr<float>(gradOutput), gradOutput._offset, Arr<float>(gradInput), gradInput._offset, p, g, countIncludePad, divisorOverride); break;
            case ScalarType.Float64: Pool.AvgBackward(Arr<double>(gradOutput), gradOutput._offset, Arr<double>(gradInput), gradInput._offset, p, g, countIncludePad, divisorOverride); break;
            default: throw Unsupported("avg_pool2d_backward_out_frame", gradInput.dtype);
        }
    }

    public void AdaptiveAvgPool2d(Tensor input, Tensor output, WindowGeometry g)
    {
        int p = checked((int)output._shape[0]);
        switch (input.dtype.scalar_type)
        {
            case ScalarType.Float32: Pool.AdaptiveAvg(Arr<float>(input), input._offset, Arr<float>(output), output._offset, p, g); break;
            case ScalarType.Float64: Pool.AdaptiveAvg(Arr<double>(input), input._offset, Arr<double>(output), output._offset, p, g); break;
            default: throw Unsupported("adaptive_avg_pool2d", input.dtype);
        }
    }

    public void AdaptiveAvgPool2dBackward(Tensor gradOutput, Tensor gradInput, WindowGeometry g)
    {
        int p = checked((int)gradInput._shape[0]);
        switch (gradInput.dtype.scalar_type)
        {
            case ScalarType.Float32: Pool.AdaptiveAvgBackward(Arr<float>(gradOutput), gradOutput._offset, Arr<float>(gradInput), gradInput._offset, p, g); break;
            case ScalarType.Float64: Pool.AdaptiveAvgBackward(Arr<double>(gradOutput), gradOutput._offset, Arr<double>(gradInput), gradInput._offset, p, g); break;
            default: throw Unsupported("adaptive_avg_pool2d_backward_cpu", gradInput.dtype);
        }
    }

    public void AdaptiveMaxPool2d(Tensor input, Tensor output, Tensor indices, WindowGeometry g)
    {
        int p = checked((int)output._shape[0]);
        switch (input.dtype.scalar_type)
        {
            case ScalarType.Float32: Pool.AdaptiveMax(Arr<float>(input), input._offset, Arr<float>(output), output._offset, Arr<long>(indices), indices._offset, p, g); break;
            case ScalarType.Float64: Pool.AdaptiveMax(Arr<double>(input), input._offset, Arr<double>(output), output._offset, Arr<long>(indices), indices._offset, p, g); break;
            default: throw Unsupported("adaptive_max_pool2d", input.dtype);
        }
    }
}
