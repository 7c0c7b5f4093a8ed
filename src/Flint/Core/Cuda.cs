namespace Flint;

public static partial class torch
{
    /// <summary>PyTorch's <c>torch.cuda</c>: whether a GPU can be used, and why not.</summary>
    public static class cuda
    {
        /// <summary>True when a CUDA device can hold tensors. False on machines without an NVIDIA driver.</summary>
        public static bool is_available() => false;

        /// <summary>The number of CUDA devices, as <c>torch.cuda.device_count()</c>: 0 until a CUDA backend is installed.</summary>
        public static int device_count() => 0;

        /// <summary>What Flint looked for to use CUDA and what it found, as text for a person to read.</summary>
        public static string explain() => Backends.Cuda.CudaRuntime.Report();
    }
}
