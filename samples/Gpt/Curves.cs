using Flint;

namespace Gpt;

/// <summary>The loss curves of a <see cref="History"/>, drawn with <see cref="torch.utils.Chart"/> as the Quickstart draws its own.</summary>
public static class Curves
{
    private const string Train = "#1f77b4", Val = "#e66e14", Lr = "#2ca02c";

    /// <summary>Two panels side by side: the loss (each step's, smoothed; the evaluations of both splits) and the lr.</summary>
    public static void Save(History history, string path, string title) =>
        torch.utils.Chart.savefig(path, Charts(history), suptitle: title, width: 1000, height: 460);

    public static torch.utils.Chart[] Charts(History history)
    {
        var steps = (0.0, (double)Math.Max(history.train.Count, 1));
        var loss = new torch.utils.Chart(title: "LOSS", xlabel: "STEP", legend_loc: "upper right") { xlim = steps };
        var perStep = history.train.Select((l, i) => ((double)i, l)).ToList();
        loss.plot(Smooth(perStep, 0.95), label: "TRAIN (STEP)", color: Train)
            .plot(history.evals.Select(e => ((double)e.step, e.train)), label: "TRAIN", line: false, markers: true, color: Train)
            .plot(history.evals.Select(e => ((double)e.step, e.val)), label: "VAL", markers: true, color: Val);
        var lr = new torch.utils.Chart(title: "LEARNING RATE", xlabel: "STEP", legend_loc: "upper right") { xlim = steps };
        lr.plot(history.lr.Select((v, i) => ((double)i, v)), label: "LR", color: Lr);
        return [loss, lr];
    }

    /// <summary>An exponential moving average, debiased at the start (as TensorBoard smooths a scalar).</summary>
    public static List<(double x, double y)> Smooth(IReadOnlyList<(double x, double y)> points, double weight)
    {
        var result = new List<(double, double)>(points.Count);
        double average = 0, scale = 0;
        foreach (var (x, y) in points)
        {
            average = weight * average + (1 - weight) * y;
            scale = weight * scale + (1 - weight);
            result.Add((x, average / scale));
        }
        return result;
    }
}
