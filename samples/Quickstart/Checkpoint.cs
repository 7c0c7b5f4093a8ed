using Flint;

namespace Quickstart;

/// <summary>
/// Saving and loading the model's weights (its state_dict), as <c>torch.save(model.state_dict(), "model.pth")</c>.
/// A .pth file is PyTorch's checkpoint format (Python's torch.load reads it); a .safetensors path gives the
/// safetensors format instead. The file is written beside the target and moved over it, so a reader (or a run
/// that is killed meanwhile) never sees half a checkpoint.
/// </summary>
public static class Checkpoint
{
    public static void Save(torch.nn.Module model, string path)
    {
        var full = Path.GetFullPath(path);
        var partial = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileNameWithoutExtension(full)}.{System.Environment.ProcessId}.partial{Path.GetExtension(full)}");
        try
        {
            torch.save(model.state_dict(), partial);
            File.Move(partial, full, overwrite: true);
        }
        finally { File.Delete(partial); }
    }

    public static IReadOnlyDictionary<string, Tensor> Load(string path) => torch.load_state_dict(path);
}
