namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Stochastic gradient descent (with momentum, dampening, Nesterov and weight decay), as <c>torch.optim.SGD</c>.</summary>
        public static Optimizers.SGD SGD(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
            new Optimizers.SGD(parameters, lr, momentum, dampening, weight_decay, nesterov, maximize);

        /// <summary>SGD over parameter groups with their own options.</summary>
        public static Optimizers.SGD SGD(IEnumerable<Optimizers.ParamGroup> param_groups, double lr = 1e-3, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
            new Optimizers.SGD(param_groups, lr, momentum, dampening, weight_decay, nesterov, maximize);
    }
}
