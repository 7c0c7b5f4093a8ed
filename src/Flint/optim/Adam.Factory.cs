namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static Optimizers.Adam Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new Optimizers.Adam(parameters, lr, betas ?? (0.9, 0.999), eps, weight_decay, amsgrad, maximize, decoupled: false);

        public static Optimizers.Adam AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 1e-2, bool amsgrad = false, bool maximize = false) =>
            new Optimizers.Adam(parameters, lr, betas ?? (0.9, 0.999), eps, weight_decay, amsgrad, maximize, decoupled: true);
    }
}
