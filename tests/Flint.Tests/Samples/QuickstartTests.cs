using System.Text.RegularExpressions;
using Flint;
using Flint.Data;
using Flint.Vision;
using Quickstart;
using Xunit;

namespace Flint.Tests.Samples;

/// <summary>The Quickstart sample's code paths, on a small slice of its bundled data.</summary>
public class QuickstartTests
{
    [Fact]
    public void TrainingOnASliceLowersTheLossAndBeatsChance()
    {
        torch.manual_seed(0);
        var all = EmbeddedData.Load(transform: transforms.ToTensor());
        Assert.Equal(10000, all.Count);
        var train_dataloader = new DataLoader(all.Slice(0, 512), batch_size: 64, shuffle: true);
        var test_dataloader = new DataLoader(all.Slice(512, 512), batch_size: 64);

        var model = new NeuralNetwork();
        var loss_fn = torch.nn.CrossEntropyLoss();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var history = new History();
        var log = new StringWriter();

        var (accuracy0, loss0) = Tutorial.test(test_dataloader, model, loss_fn, output: TextWriter.Null);
        double trainLoss = Tutorial.train(train_dataloader, model, loss_fn, optimizer, history: history, output: log);
        var (accuracy1, loss1) = Tutorial.test(test_dataloader, model, loss_fn, history: history, output: log);

        Assert.True(loss1 < loss0 - 0.2, $"test loss {loss0} -> {loss1}");
        Assert.True(accuracy1 > 0.3, $"test accuracy {accuracy1} (chance is 0.1; before training {accuracy0})");
        Assert.True(double.IsFinite(trainLoss));
        Assert.Equal(8, history.Batches.Count);
        Assert.Equal(1.0, history.Batches[^1].epoch);
        Assert.True(history.Batches[^1].loss < history.Batches[0].loss);
        Assert.Single(history.Tests);

        // the tutorial's lines: "loss: 2.302138  [   64/  512]", then PyTorch's "Test Error" block
        var text = log.ToString().Replace("\r\n", "\n");
        Assert.Matches(new Regex(@"^loss: \d\.\d{6}  \[   64/  512\]\n"), text);
        Assert.Matches(new Regex(@"Test Error: \n Accuracy: \d{1,3}\.\d%, Avg loss: [ \d]\d*\.\d{6} \n\n$"), text);
    }

    [Fact]
    public void TheBundledSplitIs8kAnd2k()
    {
        var (train, test) = EmbeddedData.FashionMNIST(transform: transforms.ToTensor());
        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
        var (x, y) = train[0];
        Assert.Equal(new long[] { 1, 28, 28 }, x.shape.ToArray());
        Assert.Equal(torch.float32, x.dtype);
        Assert.InRange(x.max().item<float>(), 0.5f, 1f);
        Assert.InRange(y.item<long>(), 0, 9);
    }

    [Fact]
    public void TheStateDictRoundTripsThroughTheCheckpoint()
    {
        var model = new NeuralNetwork();
        var path = Path.Combine(Path.GetTempPath(), $"flint-quickstart-{Guid.NewGuid():N}.pth");
        try
        {
            Checkpoint.Save(model, path);
            var loaded = new NeuralNetwork();
            var state = Checkpoint.Load(path);
            Assert.Equal(model.state_dict().Keys.OrderBy(k => k), state.Keys.OrderBy(k => k));
            loaded.load_state_dict(state);
            var x = torch.rand(3, 1, 28, 28);
            Assert.True(torch.equal(model.call(x), loaded.call(x)));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TheConvNetTrainsAStep()
    {
        torch.manual_seed(1);
        var model = Models.ConvNet();
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"], model.state_dict().Keys);
        Assert.Equal(new long[] { 32, 1, 3, 3 }, model.state_dict()["0.weight"].shape.ToArray());
        var x = torch.rand(4, 1, 28, 28);
        var y = torch.tensor(new long[] { 0, 1, 2, 3 });
        var loss_fn = torch.nn.CrossEntropyLoss();
        var optimizer = torch.optim.SGD(model.parameters(), lr: 0.05);
        var logits = model.call(x);
        Assert.Equal(new long[] { 4, 10 }, logits.shape.ToArray());
        var loss = loss_fn.call(logits, y);
        loss.backward();
        foreach (var p in model.parameters()) Assert.NotNull(p.grad);
        optimizer.step();
        optimizer.zero_grad();
        Assert.True(loss_fn.call(model.call(x), y).item<float>() < loss.item<float>());
    }

    [Fact]
    public void OptionsParseAndReject()
    {
        var o = Options.Parse(["--epochs", "2", "--batch-size=32", "--lr", "0.01", "--optimizer", "ADAM", "--model", "cnn", "--threads", "1", "--seed", "7", "--data", "d"], TextWriter.Null, TextWriter.Null)!;
        Assert.Equal((2, 32, 0.01, "adam", "cnn", (int?)1, 7L, "d"), (o.Epochs, o.BatchSize, o.Lr, o.Optimizer, o.Model, o.Threads, o.Seed, o.Data));
        var d = Options.Parse([], TextWriter.Null, TextWriter.Null)!;
        Assert.Equal((5, 64, 1e-3, "sgd", "mlp", 0L), (d.Epochs, d.BatchSize, d.Lr, d.Optimizer, d.Model, d.Seed));
        Assert.True(Options.Parse(["--help"], TextWriter.Null, TextWriter.Null)!.Help);
        Assert.False(d.Distributed);
        Assert.True(Options.Parse(["--distributed", "--epochs", "1"], TextWriter.Null, TextWriter.Null)!.Distributed);
        foreach (var bad in new[] { new[] { "--epochs", "x" }, ["--lr", "-1"], ["--model", "rnn"], ["--frobnicate"], ["--batch-size"], ["--bundled", "--data", "d"], ["--distributed=1"] })
        {
            var err = new StringWriter();
            Assert.Null(Options.Parse(bad, TextWriter.Null, err));
            Assert.StartsWith("error: ", err.ToString());
        }
    }

    [Fact]
    public void TheCurvesChartDrawsBothPanels()
    {
        var h = new History();
        for (int e = 0; e < 2; e++)
        {
            for (int b = 0; b < 50; b++) h.AddBatch(2.3 - e - b * 0.01, 0.1 + 0.3 * e + b * 0.004, 64);
            h.EndEpoch();
            h.AddTest(0.4 + 0.3 * e, 1.5 - 0.5 * e);
        }
        string path = Path.Combine(Path.GetTempPath(), $"flint-curves-{Guid.NewGuid():N}.png");
        try
        {
            Curves.Save(h, path, "TEST CHART");
            var png = Flint.Tests.Utils.PngTests.Decode(File.ReadAllBytes(path));
            Assert.Equal((1000, 460), (png.Width, png.Height));
            int blue = 0, orange = 0;
            for (int i = 0; i < png.Pixels.Length; i += 3)
            {
                var p = (png.Pixels[i], png.Pixels[i + 1], png.Pixels[i + 2]);
                if (p == (31, 119, 180)) blue++;
                if (p == (230, 110, 20)) orange++;
            }
            Assert.True(blue > 200 && orange > 100, $"blue {blue}, orange {orange}");
        }
        finally { File.Delete(path); }
    }
}
