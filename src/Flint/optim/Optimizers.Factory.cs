namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Adam with Nesterov momentum, as <c>torch.optim.NAdam</c>.</summary>
        public static Optimizers.NAdam NAdam(IEnumerable<Parameter> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 0, double momentum_decay = 4e-3, bool decoupled_weight_decay = false, bool maximize = false) =>
            new(parameters, lr, betas, eps, weight_decay, momentum_decay, decoupled_weight_decay, maximize);

        /// <summary>Rectified Adam, as <c>torch.optim.RAdam</c>.</summary>
        public static Optimizers.RAdam RAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 0, bool decoupled_weight_decay = false, bool maximize = false) =>
            new(parameters, lr, betas, eps, weight_decay, decoupled_weight_decay, maximize);

        /// <summary>Adam with the infinity norm, as <c>torch.optim.Adamax</c>.</summary>
        public static Optimizers.Adamax Adamax(IEnumerable<Parameter> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
            double weight_decay = 0, bool maximize = false) =>
            new(parameters, lr, betas, eps, weight_decay, maximize);

        /// <summary>The Adadelta optimizer, as <c>torch.optim.Adadelta</c>.</summary>
        public static Optimizers.Adadelta Adadelta(IEnumerable<Parameter> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
            double weight_decay = 0, bool maximize = false) =>
            new(parameters, lr, rho, eps, weight_decay, maximize);

        /// <summary>Averaged stochastic gradient descent, as <c>torch.optim.ASGD</c>.</summary>
        public static Optimizers.ASGD ASGD(IEnumerable<Parameter> parameters, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6,
            double weight_decay = 0, bool maximize = false) =>
            new(parameters, lr, lambd, alpha, t0, weight_decay, maximize);

        /// <summary>Resilient backpropagation, as <c>torch.optim.Rprop</c>.</summary>
        public static Optimizers.Rprop Rprop(IEnumerable<Parameter> parameters, double lr = 1e-2, (double, double)? etas = null, (double, double)? step_sizes = null,
            bool maximize = false) =>
            new(parameters, lr, etas, step_sizes, maximize);

        /// <summary>The lazy Adam of sparse gradients (nn.Embedding(sparse: true) and the like), as <c>torch.optim.SparseAdam</c>.</summary>
        public static Optimizers.SparseAdam SparseAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            bool maximize = false) =>
            new(parameters, lr, betas, eps, maximize);

        /// <summary>SparseAdam over parameter groups with their own options.</summary>
        public static Optimizers.SparseAdam SparseAdam(IEnumerable<Optimizers.ParamGroup> param_groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
            bool maximize = false) =>
            new(param_groups, lr, betas, eps, maximize);

        /// <summary>The L-BFGS optimizer, as <c>torch.optim.LBFGS</c>.</summary>
        public static Optimizers.LBFGS LBFGS(IEnumerable<Parameter> parameters, double lr = 1, long max_iter = 20, long? max_eval = null,
            double tolerance_grad = 1e-7, double tolerance_change = 1e-9, long history_size = 100, string? line_search_fn = null) =>
            new(parameters, lr, max_iter, max_eval, tolerance_grad, tolerance_change, history_size, line_search_fn);
    }
}
