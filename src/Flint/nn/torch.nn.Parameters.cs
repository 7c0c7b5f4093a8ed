using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>A list of parameters, as <c>torch.nn.ParameterList</c>.</summary>
        public static ParameterList ParameterList(IEnumerable<Tensor>? values = null) => new(values);
        /// <summary>A dictionary of named parameters, as <c>torch.nn.ParameterDict</c>.</summary>
        public static ParameterDict ParameterDict(IEnumerable<(string key, Tensor value)>? parameters = null) => new(parameters);

        public static partial class utils
        {
            /// <summary>The parameters flattened and concatenated into one vector (all on one device).</summary>
            public static Tensor parameters_to_vector(IEnumerable<Tensor> parameters)
            {
                Device? device = null;
                var flat = new List<Tensor>();
                foreach (var p in parameters)
                {
                    ParameterVectors.CheckSameDevice(p, ref device);
                    flat.Add(p.view(-1));
                }
                return cat(flat.ToArray());
            }

            /// <summary>Makes each parameter's data the matching slice of <paramref name="vec"/> (a view of it, as PyTorch assigns param.data).</summary>
            public static void vector_to_parameters(Tensor vec, IEnumerable<Tensor> parameters)
            {
                Device? device = null;
                long pointer = 0;
                foreach (var p in parameters)
                {
                    ParameterVectors.CheckSameDevice(p, ref device);
                    long n = p.numel();
                    p.SetData(vec.detach().narrow(0, pointer, n).view_as(p));
                    pointer += n;
                }
            }
        }
    }
}

/// <summary>parameters_to_vector's device rule.</summary>
internal static class ParameterVectors
{
    internal static void CheckSameDevice(Tensor p, ref Device? device)
    {
        if (device is null) device = p.device;
        else if (p.device != device) throw new ArgumentException("Found two parameters on different devices, this is currently not supported.");
    }
}
