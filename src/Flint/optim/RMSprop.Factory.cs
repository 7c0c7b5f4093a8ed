namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>The RMSprop optimizer, as <c>torch.optim.RMSprop</c>.</summary>
        public static Optimizers.RMSprop RMSprop(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
            double weight_decay = 0, double momentum = 0, bool centered = false, bool maximize = false) =>
            new Optimizers.RMSprop(parameters, lr, alpha, eps, weight_decay, momentum, centered, maximize);

        /// <summary>The Adagrad optimizer, as <c>torch.optim.Adagrad</c>.</summary>
        public static Optimizers.Adagrad Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lr_decay = 0, double weight_decay = 0,
            double initial_accumulator_value = 0, double eps = 1e-10, bool maximize = false) =>
            new Optimizers.Adagrad(parameters, lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize);
    }
}
