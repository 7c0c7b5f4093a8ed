namespace Flint;

public static partial class torch
{
    /// <summary>PyTorch's <c>torch.optim</c>: the optimizers (<c>torch.optim.SGD(model.parameters(), lr: 0.1)</c>) and <c>lr_scheduler</c>.</summary>
    public static partial class optim
    {
        /// <summary>The Adam optimizer, as <c>torch.optim.Adam</c>; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
        public static Optimizers.Adam Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, betas, eps, weight_decay, amsgrad, maximize);

        /// <summary>The Adam optimizer over parameter groups with their own options.</summary>
        public static Optimizers.Adam Adam(IEnumerable<Optimizers.ParamGroup> param_groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new(param_groups, lr, betas, eps, weight_decay, amsgrad, maximize);

        /// <summary>Adam with decoupled weight decay, as <c>torch.optim.AdamW</c>.</summary>
        public static Optimizers.AdamW AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 1e-2, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, betas, eps, weight_decay, amsgrad, maximize);

        /// <summary>AdamW over parameter groups with their own options.</summary>
        public static Optimizers.AdamW AdamW(IEnumerable<Optimizers.ParamGroup> param_groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 1e-2, bool amsgrad = false, bool maximize = false) =>
            new(param_groups, lr, betas, eps, weight_decay, amsgrad, maximize);
    }
}
