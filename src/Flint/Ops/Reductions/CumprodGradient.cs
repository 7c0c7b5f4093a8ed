using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// The gradient of y = cumprod(x) along one dim, zeros included. dy_j/dx_k is the product of x_1..x_j without
/// x_k (j ≥ k), so the usual y_j / x_k is only valid while x_k ≠ 0. Along a slice with a first zero at z1 and a
/// second at z2 (or the end): before z1 the division formula holds over j &lt; z1; at z1 the gradient is
/// prod(x[..z1]) · Σ_{z1 ≤ j &lt; z2} g_j · prod(x[z1+1..j]); after z1 it is zero. When the gradient itself is
/// differentiated (grad mode on), every dy_j/dx_k is formed explicitly so second derivatives stay exact.
/// </summary>
internal static class CumprodGradient
{
    internal static Tensor Of(Tensor g, Tensor x, int dim, Tensor y)
    {
        if (x.numel() <= 1 || x._shape[dim] == 1) return g;
        var isZero = x.eq(0);
        bool anyZero;
        using (torch.no_grad()) anyZero = isZero.any().item<bool>();
        if (!anyZero) return ReverseCumsum(g * y, dim) / x;
        return GradMode.IsEnabled ? Explicit(g, x, dim) : Masked(g, x, dim, y, isZero);
    }

    private static Tensor ReverseCumsum(Tensor t, int d) => t.sum(d, keepdim: true) - t.cumsum(d) + t;

    /// <summary>O(n) along the dim, by masks over the zeros counted so far.</summary>
    private static Tensor Masked(Tensor g, Tensor x, int dim, Tensor y, Tensor isZero)
    {
        var seen = isZero.cumsum(dim);
        var before = seen.eq(0);
        var zeroG = torch.zeros_like(g);
        var beforeGrad = torch.where(before, ReverseCumsum(torch.where(before, g * y, zeroG), dim) / torch.where(before, x, torch.ones_like(x)), zeroG);
        // between the first zero and the second: the first zero itself counts as 1 in the running product
        var firstRun = seen.eq(1);
        var firstZero = torch.logical_and(firstRun, isZero);
        var after = torch.where(torch.logical_and(firstRun, isZero.logical_not()), x, torch.ones_like(x)).cumprod(dim);
        var tail = (after * torch.where(firstRun, g, zeroG)).sum(dim, keepdim: true);
        var prefix = torch.where(before, x, torch.ones_like(x)).prod(dim, keepdim: true);
        return torch.where(firstZero, (tail * prefix).expand(x._shape), beforeGrad);
    }

    /// <summary>O(n²) along the dim from differentiable ops: grad_k = Σ_{j ≥ k} g_j · prod(x[..k]) · prod(x[k+1..j]).</summary>
    private static Tensor Explicit(Tensor g, Tensor x, int dim)
    {
        long n = x._shape[dim];
        var onesShape = (long[])x._shape.Clone();
        onesShape[dim] = 1;
        var ones = torch.ones(onesShape, dtype: x.dtype, device: x.device);
        var slices = new Tensor[n];
        for (long k = 0; k < n; k++)
        {
            Tensor omitted;
            if (k == 0) omitted = torch.cat([ones, x.narrow(dim, 1, n - 1).cumprod(dim)], dim);
            else
            {
                var until = x.narrow(dim, 0, k).prod(dim, keepdim: true);
                omitted = k == n - 1 ? until : torch.cat([until, until * x.narrow(dim, k + 1, n - k - 1).cumprod(dim)], dim);
            }
            slices[k] = (g.narrow(dim, k, n - k) * omitted).sum(dim);
        }
        return torch.stack(slices, dim);
    }
}
