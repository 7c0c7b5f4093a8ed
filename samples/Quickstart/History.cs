namespace Quickstart;

/// <summary>What training measured, for the curves: per-batch loss/accuracy and per-epoch test results.</summary>
public sealed class History
{
    /// <summary>(epoch as a fraction, batch loss, batch accuracy in [0, 1]) for every training batch.</summary>
    public List<(double epoch, double loss, double accuracy)> Batches { get; } = [];
    /// <summary>(epoch, test loss, test accuracy in [0, 1]) after every epoch.</summary>
    public List<(double epoch, double loss, double accuracy)> Tests { get; } = [];

    private readonly List<(double loss, double accuracy, long n)> current = [];
    private int epochs;

    public int Epochs => epochs;

    public void AddBatch(double loss, double accuracy, long samples) => current.Add((loss, accuracy, samples));

    /// <summary>Spreads the epoch's batches over [epoch, epoch + 1) by samples seen.</summary>
    public void EndEpoch()
    {
        long total = current.Sum(b => b.n), seen = 0;
        foreach (var (loss, accuracy, n) in current)
        {
            seen += n;
            Batches.Add((epochs + (double)seen / Math.Max(total, 1), loss, accuracy));
        }
        current.Clear();
        epochs++;
    }

    public void AddTest(double accuracy, double loss) => Tests.Add((epochs, loss, accuracy));
}
