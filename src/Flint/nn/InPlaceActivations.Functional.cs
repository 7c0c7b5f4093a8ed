namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>max(0, x) in place, as <c>F.relu_</c>.</summary>
            public static Tensor relu_(Tensor input) => input.relu_();

            /// <summary>The ELU in place, as <c>F.elu_</c>.</summary>
            public static Tensor elu_(Tensor input, double alpha = 1.0) => input.elu_(alpha);

            /// <summary>The leaky ReLU in place, as <c>F.leaky_relu_</c>.</summary>
            public static Tensor leaky_relu_(Tensor input, double negative_slope = 0.01) => input.leaky_relu_(negative_slope);
        }
    }
}
