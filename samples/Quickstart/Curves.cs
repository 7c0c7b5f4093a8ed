using Flint;

namespace Quickstart;

/// <summary>The training curves of a <see cref="History"/>, drawn with <see cref="torch.utils.Chart"/>.</summary>
public static class Curves
{
    private const string Train = "#1f77b4", Test = "#e66e14";

    /// <summary>Two panels side by side: loss (train per batch, smoothed; test per epoch) and accuracy in %.</summary>
    public static void Save(History history, string path, string title) =>
        torch.utils.Chart.savefig(path, Charts(history), suptitle: title, width: 1000, height: 460);

    public static torch.utils.Chart[] Charts(History history)
    {
        int perEpoch = Math.Max(1, history.Batches.Count / Math.Max(history.Epochs, 1));
        int window = Math.Max(1, perEpoch / 20);
        var epochs = (0.0, (double)Math.Max(history.Epochs, 1));
        var loss = new torch.utils.Chart(title: "LOSS", xlabel: "EPOCH", legend_loc: "upper right") { xlim = epochs };
        loss.plot(Smooth(history.Batches.Select(b => (b.epoch, b.loss)).ToList(), window), label: "TRAIN", color: Train)
            .plot(history.Tests.Select(t => (t.epoch, t.loss)), label: "TEST", markers: true, color: Test);
        var accuracy = new torch.utils.Chart(title: "ACCURACY %", xlabel: "EPOCH", legend_loc: "lower right") { xlim = epochs };
        accuracy.plot(Smooth(history.Batches.Select(b => (b.epoch, 100 * b.accuracy)).ToList(), window), label: "TRAIN", color: Train)
            .plot(history.Tests.Select(t => (t.epoch, 100 * t.accuracy)), label: "TEST", markers: true, color: Test);
        return [loss, accuracy];
    }

    /// <summary>Trailing moving average over <paramref name="window"/> points.</summary>
    public static List<(double x, double y)> Smooth(IReadOnlyList<(double x, double y)> points, int window)
    {
        var result = new List<(double, double)>(points.Count);
        double sum = 0;
        for (int i = 0; i < points.Count; i++)
        {
            sum += points[i].y;
            if (i >= window) sum -= points[i - window].y;
            result.Add((points[i].x, sum / Math.Min(i + 1, window)));
        }
        return result;
    }
}
