namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static Optimizers.Adam Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, betas, eps, weight_decay, amsgrad, maximize);

        public static Optimizers.Adam Adam(IEnumerable<Optimizers.ParamGroup> param_groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new(param_groups, lr, betas, eps, weight_decay, amsgrad, maximize);

        public static Optimizers.AdamW AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 1e-2, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, betas, eps, weight_decay, amsgrad, maximize);

        public static Optimizers.AdamW AdamW(IEnumerable<Optimizers.ParamGroup> param_groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 1e-2, bool amsgrad = false, bool maximize = false) =>
            new(param_groups, lr, betas, eps, weight_decay, amsgrad, maximize);
    }
}
