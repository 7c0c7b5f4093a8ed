using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Quickstart;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Utils;

/// <summary>
/// torch.utils.summary: the figures of every row and the totals against PyTorch's modules and shapes
/// (References/summary.json, tools/refs/gen_summary.py), the table against torchinfo's layout, and the model left
/// as it was (the forward runs on the meta device).
/// </summary>
[Collection("GlobalGenerator")]
public class SummaryTests
{
    /// <summary>The generator's nested model: Sequentials inside a Sequential and a frozen head.</summary>
    private sealed class Nested : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> features = nn.Sequential(
            nn.Sequential(nn.Linear(8, 16), nn.ReLU()),
            nn.Sequential(nn.Linear(16, 16), nn.Tanh()));
        private readonly nn.Module<Tensor, Tensor> head = nn.Linear(16, 4);

        public Nested() => head.requires_grad_(false);

        public override Tensor forward(Tensor x) => head.call(features.call(x));
    }

    private static nn.Module Model(string name) => name switch
    {
        "mlp" or "mlp_batch64" => new NeuralNetwork(),
        "cnn" => Models.ConvNet(),
        _ => new Nested(),
    };

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    public static TheoryData<string> Cases => Reference.CaseNames("summary");

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiguresMatchPyTorch(string name)
    {
        var c = Reference.Case("summary", name);
        var stats = utils.summary(Model(name), Longs(c.GetProperty("input_size")), verbose: 0);
        var rows = c.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(rows.Length, stats.summary_list.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            var (r, l) = (rows[i], stats.summary_list[i]);
            string at = $"row {i} ({l})";
            Assert.True(r.GetProperty("class").GetString() == l.class_name, at);
            Assert.True(r.GetProperty("var").GetString() == l.var_name, at);
            Assert.True(r.GetProperty("depth").GetInt32() == l.depth, at);
            Assert.True(Longs(r.GetProperty("input")).SequenceEqual(l.input_size), at + " input");
            Assert.True(Longs(r.GetProperty("output")).SequenceEqual(l.output_size), at + " output");
            Assert.True(r.GetProperty("params").GetInt64() == l.num_params, at + " params");
            Assert.True(r.GetProperty("trainable").GetInt64() == l.trainable_params, at + " trainable");
            Assert.True(r.GetProperty("param_bytes").GetInt64() == l.param_bytes, at + " param bytes");
            Assert.True(r.GetProperty("output_bytes").GetInt64() == l.output_bytes, at + " output bytes");
            Assert.True(r.GetProperty("macs").GetInt64() == l.macs, at + " macs");
        }
        Assert.Equal(c.GetProperty("total_params").GetInt64(), stats.total_params);
        Assert.Equal(c.GetProperty("trainable_params").GetInt64(), stats.trainable_params);
        Assert.Equal(c.GetProperty("total_mult_adds").GetInt64(), stats.total_mult_adds);
        Assert.Equal(c.GetProperty("input_bytes").GetInt64(), stats.total_input);
        Assert.Equal(c.GetProperty("output_bytes").GetInt64(), stats.total_output_bytes);
        Assert.Equal(c.GetProperty("param_bytes").GetInt64(), stats.total_param_bytes);
    }

    private static void AssertTable(string expected, ModelStatistics stats) =>
        Assert.Equal(expected.ReplaceLineEndings("\n").Trim('\n'), stats.ToString());

    // The tables below are written by hand from torchinfo 1.8's rules (formatting.py, model_statistics.py): the
    // name column is 40 wide and each other column 25 (one space between), "├─" marks depth 1 and "│    " each
    // further level before "└─"; "depth-idx" counts the rows of a depth over the whole table; a container shows
    // "--" for the parameters its children hold, a frozen layer its count in parentheses; the mult-adds total is
    // in millions with two decimals; the sizes are bytes / 1e6 with two decimals, the forward/backward size
    // counting twice the outputs of the layers with parameters.

    [Fact]
    public void QuickstartMlpTable() => AssertTable("""
        ==========================================================================================
        Layer (type:depth-idx)                   Output Shape              Param #
        ==========================================================================================
        NeuralNetwork                            [1, 10]                   --
        ├─Flatten: 1-1                           [1, 784]                  --
        ├─Sequential: 1-2                        [1, 10]                   --
        │    └─Linear: 2-1                       [1, 512]                  401,920
        │    └─ReLU: 2-2                         [1, 512]                  --
        │    └─Linear: 2-3                       [1, 512]                  262,656
        │    └─ReLU: 2-4                         [1, 512]                  --
        │    └─Linear: 2-5                       [1, 10]                   5,130
        ==========================================================================================
        Total params: 669,706
        Trainable params: 669,706
        Non-trainable params: 0
        Total mult-adds (M): 0.67
        ==========================================================================================
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.01
        Params size (MB): 2.68
        Estimated Total Size (MB): 2.69
        ==========================================================================================
        """, utils.summary(new NeuralNetwork(), input_size: [1, 28, 28], verbose: 0));

    [Fact]
    public void QuickstartCnnTable() => AssertTable("""
        ==========================================================================================
        Layer (type:depth-idx)                   Output Shape              Param #
        ==========================================================================================
        Sequential                               [1, 10]                   --
        ├─Conv2d: 1-1                            [1, 32, 28, 28]           320
        ├─ReLU: 1-2                              [1, 32, 28, 28]           --
        ├─MaxPool2d: 1-3                         [1, 32, 14, 14]           --
        ├─Conv2d: 1-4                            [1, 64, 14, 14]           18,496
        ├─ReLU: 1-5                              [1, 64, 14, 14]           --
        ├─MaxPool2d: 1-6                         [1, 64, 7, 7]             --
        ├─Flatten: 1-7                           [1, 3136]                 --
        ├─Linear: 1-8                            [1, 128]                  401,536
        ├─ReLU: 1-9                              [1, 128]                  --
        ├─Linear: 1-10                           [1, 10]                   1,290
        ==========================================================================================
        Total params: 421,642
        Trainable params: 421,642
        Non-trainable params: 0
        Total mult-adds (M): 4.28
        ==========================================================================================
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.30
        Params size (MB): 1.69
        Estimated Total Size (MB): 1.99
        ==========================================================================================
        """, utils.summary(Models.ConvNet(), input_size: [1, 1, 28, 28], verbose: 0));

    [Fact]
    public void NestedSequentialsTable() => AssertTable("""
        ==========================================================================================
        Layer (type:depth-idx)                   Output Shape              Param #
        ==========================================================================================
        Nested                                   [2, 4]                    --
        ├─Sequential: 1-1                        [2, 16]                   --
        │    └─Sequential: 2-1                   [2, 16]                   --
        │    │    └─Linear: 3-1                  [2, 16]                   144
        │    │    └─ReLU: 3-2                    [2, 16]                   --
        │    └─Sequential: 2-2                   [2, 16]                   --
        │    │    └─Linear: 3-3                  [2, 16]                   272
        │    │    └─Tanh: 3-4                    [2, 16]                   --
        ├─Linear: 1-2                            [2, 4]                    (68)
        ==========================================================================================
        Total params: 484
        Trainable params: 416
        Non-trainable params: 68
        Total mult-adds (M): 0.00
        ==========================================================================================
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.00
        Params size (MB): 0.00
        Estimated Total Size (MB): 0.00
        ==========================================================================================
        """, utils.summary(new Nested(), input_size: [2, 8], verbose: 0));

    /// <summary>At the depth limit a container shows its children's parameters and mult-adds summed.</summary>
    [Fact]
    public void DepthLimitAndEveryColumn()
    {
        var stats = utils.summary(new Nested(), input_data: torch.rand(2, 8), depth: 1, col_width: 14,
            col_names: ["input_size", "output_size", "num_params", "params_percent", "kernel_size", "mult_adds", "trainable"], verbose: 0);
        AssertTable("""
            ==========================================================================================================================================
            Layer (type:depth-idx)                   Input Shape    Output Shape   Param #        Param %        Kernel Shape   Mult-Adds      Trainable
            ==========================================================================================================================================
            Nested                                   [2, 8]         [2, 4]         --                  --        --             --             Partial
            ├─Sequential: 1-1                        [2, 8]         [2, 16]        416             85.95%        --             832            True
            ├─Linear: 1-2                            [2, 16]        [2, 4]         (68)            14.05%        --             136            False
            ==========================================================================================================================================
            Total params: 484
            Trainable params: 416
            Non-trainable params: 68
            Total mult-adds (M): 0.00
            ==========================================================================================================================================
            Input size (MB): 0.00
            Forward/backward pass size (MB): 0.00
            Params size (MB): 0.00
            Estimated Total Size (MB): 0.00
            ==========================================================================================================================================
            """, stats);
    }

    [Fact]
    public void KernelShapeOfConvolutionsAndPools()
    {
        var stats = utils.summary(Models.ConvNet(), input_size: [1, 1, 28, 28], col_names: ["kernel_size"], verbose: 0);
        var rows = stats.ToString().Split('\n').Skip(3).Take(11).Select(r => r[41..].Trim()).ToArray();
        // torchinfo prints a module's kernel_size as it holds it: Conv2d keeps a pair, MaxPool2d(2) the number
        Assert.Equal(["--", "[3, 3]", "--", "2", "[3, 3]", "--", "2", "--", "--", "--", "--"], rows);
        Assert.Equal([2L], stats.summary_list[3].kernel_size!);
    }

    /// <summary>Without an input nothing runs: the module tree and the parameter counts.</summary>
    [Fact]
    public void WithoutInputTheTreeOnly() => AssertTable("""
        =================================================================
        Layer (type:depth-idx)                   Param #
        =================================================================
        Nested                                   --
        ├─Sequential: 1-1                        --
        │    └─Sequential: 2-1                   --
        │    │    └─Linear: 3-1                  144
        │    │    └─ReLU: 3-2                    --
        │    └─Sequential: 2-2                   --
        │    │    └─Linear: 3-3                  272
        │    │    └─Tanh: 3-4                    --
        ├─Linear: 1-2                            (68)
        =================================================================
        Total params: 484
        Trainable params: 416
        Non-trainable params: 68
        =================================================================
        """, utils.summary(new Nested(), verbose: 0));

    /// <summary>A module used twice is listed at each call, its second row marked (recursive) and counted once.</summary>
    private sealed class Shared : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> layer = nn.Linear(5, 5);
        public override Tensor forward(Tensor x) => layer.call(layer.call(x));
    }

    [Fact]
    public void ModuleCalledTwiceIsRecursive() => AssertTable("""
        ==========================================================================================
        Layer (type:depth-idx)                   Output Shape              Param #
        ==========================================================================================
        Shared                                   [1, 5]                    --
        ├─Linear: 1-1                            [1, 5]                    30
        ├─Linear: 1-2                            [1, 5]                    (recursive)
        ==========================================================================================
        Total params: 30
        Trainable params: 30
        Non-trainable params: 0
        Total mult-adds (M): 0.00
        ==========================================================================================
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.00
        Params size (MB): 0.00
        Estimated Total Size (MB): 0.00
        ==========================================================================================
        """, utils.summary(new Shared(), input_size: [1, 5], verbose: 0));

    /// <summary>The forward runs on the meta device: the model keeps its data, device, mode and hooks.</summary>
    [Fact]
    public void ModelIsLeftAsItWas()
    {
        var model = new NeuralNetwork();
        model.eval();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        int calls = 0;
        using var _ = model.register_forward_hook((_, _, _) => calls++);
        var stats = utils.summary(model, input_size: [3, 28, 28], verbose: 0);
        Assert.Equal(1, calls);   // the user's hook ran with the summary's forward, and stays registered
        Assert.False(model.training);
        foreach (var (k, v) in model.state_dict())
        {
            Assert.Equal(DeviceType.CPU, v.device.type);
            Assert.True(torch.equal(before[k], v), k);
        }
        var x = torch.rand(3, 28, 28);
        var out_ = model.call(x);
        Assert.Equal(2, calls);
        Assert.Equal([3L, 10L], out_.shape.ToArray());
        Assert.Equal(stats.ToString(), utils.summary(model, input_size: [3, 28, 28], verbose: 0).ToString());
    }

    /// <summary>
    /// A forward in train mode updates BatchNorm's running statistics, on the meta stand-ins only: the model's own
    /// buffers keep their values, and every module gets its own mode back.
    /// </summary>
    [Fact]
    public void TrainModeForwardLeavesBuffersAndModes()
    {
        var norm = nn.BatchNorm1d(4);
        var drop = nn.Dropout(0.5);
        var model = nn.Sequential(nn.Linear(3, 4), norm, drop);
        drop.eval();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var stats = utils.summary(model, input_size: [5, 3], mode: "train", verbose: 0);
        Assert.Equal([5L, 4L], stats.summary_list[2].output_size);
        Assert.Equal(3 * 4 + 4 + 4 + 4, stats.total_params);   // Linear 3*4+4, BatchNorm1d 4+4 (its buffers are not parameters)
        Assert.True(model.training);
        Assert.True(norm.training);
        Assert.False(drop.training);
        foreach (var (k, v) in model.state_dict())
        {
            Assert.Equal(DeviceType.CPU, v.device.type);
            Assert.True(torch.equal(before[k], v), k);
        }
        Assert.Equal("'test' is not a valid Mode",
            Assert.Throws<ArgumentException>(() => utils.summary(model, [5, 3], mode: "test", verbose: 0)).Message);
    }

    [Fact]
    public void BadArgumentsGetTorchinfosErrors()
    {
        var model = new NeuralNetwork();
        Assert.Equal("Column shape is not a valid column name.",
            Assert.Throws<ArgumentException>(() => utils.summary(model, [1, 28, 28], col_names: ["shape"], verbose: 0)).Message);
        Assert.Equal("You must pass input_data or input_size in order to use column output_size",
            Assert.Throws<ArgumentException>(() => utils.summary(model, col_names: ["output_size"], verbose: 0)).Message);
        Assert.Equal("Verbose must be either 0 (quiet), 1 (default), or 2 (verbose).",
            Assert.Throws<ArgumentException>(() => utils.summary(model, [1, 28, 28], verbose: 3)).Message);
        Assert.Equal("Input_data is invalid, or negative size found in input_data.",
            Assert.Throws<ArgumentException>(() => utils.summary(model, [1, 0, 28], verbose: 0)).Message);
        // a wrong input shape fails inside the forward: the error says which layers ran, PyTorch's error is inside
        var e = Assert.Throws<InvalidOperationException>(() => utils.summary(model, [1, 27, 28], verbose: 0));
        Assert.StartsWith("Failed to run torchinfo. See above stack traces for more details. Executed layers up to: [Flatten: 1]", e.Message);
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (1x756 and 784x512)", e.InnerException!.Message);
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.CPU, p.device.type));
    }
}
