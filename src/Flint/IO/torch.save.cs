namespace Flint;

public static partial class torch
{
    /// <summary>Loads a safetensors file: the tensors by name, in the file's order.</summary>
    public static Dictionary<string, Tensor> load_safetensors(string path) => IO.SafeTensors.Load(path);
}
