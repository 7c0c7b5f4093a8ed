using System.Collections;

namespace Flint.Optimizers;

/// <summary>Reads a group option that PyTorch keeps as a pair of floats (etas, step_sizes), as set or as loaded from a state dict.</summary>
internal static class OptionPair
{
    internal static (double a, double b) Get(ParamGroup g, string key) => g.options[key] switch
    {
        ValueTuple<double, double> t => t,
        var v when v is IEnumerable e and not string && StateDictValues.Floats(v, key) is { Length: 2 } f => (f[0], f[1]),
        var v => throw new InvalidOperationException($"{key} must be a pair of floats, got {v}"),
    };
}
