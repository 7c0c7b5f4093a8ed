using Flint;

namespace Quickstart;

/// <summary>
/// Saving and loading the model's weights (its state_dict), as <c>torch.save(model.state_dict(), "model.pth")</c>.
/// A .pth file is PyTorch's checkpoint format (Python's torch.load reads it); a .safetensors path gives the
/// safetensors format instead.
/// </summary>
public static class Checkpoint
{
    public static void Save(torch.nn.Module model, string path) => torch.save(model.state_dict(), path);

    public static IReadOnlyDictionary<string, Tensor> Load(string path) => torch.load_state_dict(path);
}
