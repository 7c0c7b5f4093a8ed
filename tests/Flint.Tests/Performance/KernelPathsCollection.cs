using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The path tests force kernel paths and thread settings, and time-sensitive work sharing across the worker
/// pool; they run alone so no other test changes the thread count or loads the pool in between.
/// </summary>
[CollectionDefinition("KernelPaths", DisableParallelization = true)]
public class KernelPathsCollection { }
