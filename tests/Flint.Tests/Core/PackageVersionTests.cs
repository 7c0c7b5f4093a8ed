using System.Reflection;
using Flint;
using Xunit;

namespace Flint.Tests.Core;

/// <summary>torch.__version__ is the version the package is built with (VersionPrefix and VersionSuffix).</summary>
public class PackageVersionTests
{
    [Fact]
    public void VersionIsThePackageVersion()
    {
        var informational = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        // the SDK appends "+<commit>" (the SourceLink revision) to the informational version
        Assert.Equal(torch.__version__, informational.Split('+')[0]);
        var assembly = typeof(torch).Assembly.GetName().Version!;
        Assert.StartsWith($"{assembly.Major}.{assembly.Minor}.{assembly.Build}", torch.__version__);
    }

    [Fact]
    public void VersionFollowsTheScheme()
    {
        // major.minor.patch, then -preview.N for a preview
        Assert.Matches(@"^\d+\.\d+\.\d+(-preview\.\d+)?$", torch.__version__);
    }
}
