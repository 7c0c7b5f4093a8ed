using System.Buffers.Binary;
using System.IO.Compression;
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
        foreach (var bad in new[] { new[] { "--epochs", "x" }, ["--lr", "-1"], ["--model", "rnn"], ["--frobnicate"], ["--batch-size"], ["--bundled", "--data", "d"] })
        {
            var err = new StringWriter();
            Assert.Null(Options.Parse(bad, TextWriter.Null, err));
            Assert.StartsWith("error: ", err.ToString());
        }
    }

    [Fact]
    public void ThePngIsValid()
    {
        var canvas = new Canvas(7, 3, new Rgb(255, 255, 255));
        canvas.SetPixel(1, 2, new Rgb(10, 20, 30));
        canvas.Line(0, 0, 6, 0, new Rgb(1, 2, 3));
        var ms = new MemoryStream();
        canvas.WritePng(ms);
        var bytes = ms.ToArray();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);

        // walk the chunks, checking every CRC, and inflate IDAT back to the pixels
        int pos = 8;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (pos < bytes.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos + 8 + len));
            Assert.Equal(global::Quickstart.Crc32.Compute(bytes.AsSpan(pos + 4, 4 + len)), crc);
            if (type == "IDAT") idat.Write(bytes, pos + 8, len);
            if (type == "IHDR") Assert.Equal((7, 3), (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos + 8)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos + 12))));
            types.Add(type);
            pos += 12 + len;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        Assert.Equal(0xCBF43926u, global::Quickstart.Crc32.Compute("123456789"u8));   // the CRC-32 check value
        idat.Position = 0;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
        var px = raw.ToArray();
        Assert.Equal(3 * (1 + 7 * 3), px.Length);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, px[..4]);                       // filter byte, then (0,0)
        Assert.Equal(new byte[] { 10, 20, 30 }, px[(2 * 22 + 1 + 3)..(2 * 22 + 1 + 6)]);   // (1,2)
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
        var c = Chart.Curves(h, "TEST CHART");
        Assert.Equal((1000, 460), (c.Width, c.Height));
        int blue = 0, orange = 0;
        for (int y = 0; y < c.Height; y++)
            for (int x = 0; x < c.Width; x++)
            {
                var p = c[x, y];
                if (p == new Rgb(31, 119, 180)) blue++;
                if (p == new Rgb(230, 110, 20)) orange++;
            }
        Assert.True(blue > 200 && orange > 100, $"blue {blue}, orange {orange}");
    }
}
