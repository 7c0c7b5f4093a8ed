using Microsoft.DotNet.Interactive;

namespace Flint.Interactive;

/// <summary>
/// The kernel extension the notebook host runs when the package is loaded (<c>#r "nuget: Flint.Interactive"</c>):
/// it registers Flint's formatters. <see cref="Formatters.Register"/> does the same by hand, for a host that loads
/// the assembly some other way.
/// </summary>
public sealed class FlintKernelExtension : IKernelExtension
{
    /// <summary>Called by the notebook host when the package loads: registers the tensor, module and chart formatters with the kernel.</summary>
    public Task OnLoadAsync(Kernel kernel)
    {
        Formatters.Register();
        return Task.CompletedTask;
    }
}
