using Flint;

namespace Quickstart;

/// <summary>
/// Saving and loading the model's weights (its state_dict), like <c>torch.save(model.state_dict(), "model.pth")</c>.
/// For now an .npz archive (one .npy per parameter, readable by NumPy); the one place to switch to torch.save.
/// </summary>
public static class Checkpoint
{
    public static void Save(torch.nn.Module model, string path) => np.savez(path, model.state_dict());

    public static IReadOnlyDictionary<string, Tensor> Load(string path) => np.load_npz(path);
}
