using System.Text.Json;
using Flint.Optimizers;
using Flint.Tests.Nn;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using static Flint.torch.optim.lr_scheduler;

namespace Flint.Tests.IO;

/// <summary>
/// Replays tools/refs/gen_resume.py: training checkpoints ({model, optimizer, scheduler, epoch}) that PyTorch
/// saved mid-run continue in Flint with PyTorch's steps, and Flint's own checkpoints, through torch.save and
/// torch.load, continue exactly as the uninterrupted run.
/// </summary>
[Collection("GlobalGenerator")]
public class ResumeTrainingTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "References", "pt");
    private static readonly Lazy<JsonElement> Doc = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "resume.json")));
        return doc.RootElement.Clone();
    });

    private static JsonElement Case(string name) =>
        Doc.Value.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static int Total => Doc.Value.GetProperty("total").GetInt32();

    public static TheoryData<string> Cases() => new(Doc.Value.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    private static Flint.Modules.Sequential Model() => nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3));

    private static IEnumerable<Parameter> Params(nn.Module m, string prefix) =>
        m.named_parameters().Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p.parameter);

    /// <summary>The optimizer and scheduler of a case, as the generator builds them; <paramref name="lrScale"/> != 1 builds
    /// them with other learning rates, which loading a state dict must replace.</summary>
    private static (Optimizer, optim.lr_scheduler.LRScheduler) Make(string name, nn.Module m, double lrScale = 1)
    {
        switch (name)
        {
            case "sgd":
                {
                    var o = optim.SGD(m.parameters(), lr: 0.1 * lrScale, momentum: 0.9, weight_decay: 1e-3, nesterov: true);
                    return (o, new StepLR(o, step_size: 2, gamma: 0.5));
                }
            case "adam":
                {
                    var o = new Adam([new ParamGroup(Params(m, "0."), new() { ["lr"] = 0.02 * lrScale }), new ParamGroup(Params(m, "2."))],
                        lr: 0.01 * lrScale, betas: (0.8, 0.99), weight_decay: 0.01, amsgrad: true);
                    return (o, new StepLR(o, step_size: 3, gamma: 0.3));
                }
            case "rmsprop":
                {
                    var o = optim.RMSprop(m.parameters(), lr: 0.01 * lrScale, alpha: 0.9, momentum: 0.5, centered: true);
                    return (o, new CosineAnnealingLR(o, T_max: 5, eta_min: 0.001));
                }
            case "adamw":
                {
                    var o = optim.AdamW(m.parameters(), lr: 0.01 * lrScale, weight_decay: 0.1);
                    return (o, new ExponentialLR(o, gamma: 0.9));
                }
            case "multistep":
                {
                    var o = optim.SGD(m.parameters(), lr: 0.05 * lrScale, momentum: 0.8, dampening: 0.1);
                    return (o, new MultiStepLR(o, milestones: [2, 5, 5], gamma: 0.5));
                }
            default: throw new ArgumentException(name);
        }
    }

    private static double TrainStep(Flint.Modules.Sequential m, Optimizer o, optim.lr_scheduler.LRScheduler s, Tensor x, Tensor y)
    {
        o.zero_grad();
        var loss = nn.functional.mse_loss(m.forward(x), y);
        loss.backward();
        o.step();
        s.step();
        return loss.item<double>();
    }

    private static void AssertStepMatches(JsonElement want, Flint.Modules.Sequential m, Optimizer o, double loss, string ctx)
    {
        Assert.True(Math.Abs(loss - want.GetProperty("loss").GetDouble()) <= 1e-6 + 1e-5 * Math.Abs(want.GetProperty("loss").GetDouble()),
            $"{ctx}: loss {loss}, PyTorch {want.GetProperty("loss").GetDouble()}");
        var lrs = want.GetProperty("lr").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(lrs.Length, o.param_groups.Count);
        for (int i = 0; i < lrs.Length; i++)
            Assert.True(Math.Abs(o.param_groups[i].lr - lrs[i]) <= 1e-15 * lrs[i], $"{ctx}: lr {o.param_groups[i].lr}, PyTorch {lrs[i]}");
        var sd = m.state_dict();
        foreach (var p in want.GetProperty("params").EnumerateObject())
            Reference.AssertClose(Reference.Tensor(p.Value), sd[p.Name], $"{ctx} {p.Name}", rtol: 1e-5, atol: 1e-6);
    }

    private static Dictionary<string, object?> Dict(object? o) => Assert.IsType<Dictionary<string, object?>>(o);

    /// <summary>A PyTorch checkpoint loads into a fresh model, optimizer and scheduler, and the run continues with PyTorch's steps.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void ContinuesAPyTorchCheckpoint(string name)
    {
        var c = Case(name);
        var ckpt = Dict(torch.load(Path.Combine(Dir, $"resume_{name}.pt")));
        manual_seed(123);
        var m = Model();
        var (o, s) = Make(name, m, lrScale: 7);
        m.load_state_dict(Dict(ckpt["model"]));
        o.load_state_dict(Dict(ckpt["optimizer"]));
        s.load_state_dict(Dict(ckpt["scheduler"]));
        long epoch = Assert.IsType<long>(ckpt["epoch"]);
        Assert.Equal(c.GetProperty("save_at").GetInt64(), epoch);
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        var saved = steps[epoch - 1].GetProperty("lr").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(saved, o.param_groups.Select(g => g.lr).ToArray());
        Assert.Equal(saved, s.get_last_lr());
        Assert.Equal(epoch, s.last_epoch);
        foreach (var st in o.state.Values)
            if (st.TryGetValue("step", out var stepCount))   // PyTorch 2 keeps the count as a tensor (1.13's RMSprop: an int)
                Assert.Equal((double)epoch, Assert.IsAssignableFrom<Tensor>(stepCount).item<double>());
        var x = Reference.Tensor(c.GetProperty("x")); var y = Reference.Tensor(c.GetProperty("y"));
        for (long i = epoch; i < Total; i++)
            AssertStepMatches(steps[i], m, o, TrainStep(m, o, s, x, y), $"{name} resumed step {i}");
    }

    /// <summary>
    /// Flint trains from PyTorch's initial parameters with PyTorch's steps, saves a checkpoint through torch.save,
    /// and a fresh model, optimizer and scheduler loaded from the file continue exactly as the uninterrupted run.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void FlintCheckpointResumesExactly(string name)
    {
        var c = Case(name);
        int saveAt = c.GetProperty("save_at").GetInt32();
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        var x = Reference.Tensor(c.GetProperty("x")); var y = Reference.Tensor(c.GetProperty("y"));
        var m = Model();
        m.load_state_dict(c.GetProperty("initial").EnumerateObject().ToDictionary(p => p.Name, p => Reference.Tensor(p.Value)));
        var (o, s) = Make(name, m);
        for (int i = 0; i < saveAt; i++) AssertStepMatches(steps[i], m, o, TrainStep(m, o, s, x, y), $"{name} step {i}");

        var path = Path.Combine(Path.GetTempPath(), $"flint_resume_{name}_{Guid.NewGuid():N}.pt");
        try
        {
            torch.save(new Dictionary<string, object?>
            {
                ["model"] = m.state_dict(), ["optimizer"] = o.state_dict(), ["scheduler"] = s.state_dict(), ["epoch"] = (long)saveAt,
            }, path);
            // For checking by hand that PyTorch resumes from Flint's file: FLINT_RESUME_OUT=dir, then gen_resume.py --verify dir/resume_*.pt
            if (Environment.GetEnvironmentVariable("FLINT_RESUME_OUT") is { Length: > 0 } outDir)
            {
                Directory.CreateDirectory(outDir);
                File.Copy(path, Path.Combine(outDir, $"resume_{name}_flint.pt"), overwrite: true);
            }

            var layout = new List<string>();
            AssertSameLayout(torch.load(path), torch.load(Path.Combine(Dir, $"resume_{name}.pt")), "$", layout);
            Assert.True(layout.Count == 0, $"{name}: Flint's checkpoint differs from PyTorch's:\n" + string.Join("\n", layout));

            var uninterrupted = new List<(double loss, double[] lr, Dictionary<string, Tensor> sd)>();
            for (int i = saveAt; i < Total; i++)
            {
                double loss = TrainStep(m, o, s, x, y);
                AssertStepMatches(steps[i], m, o, loss, $"{name} step {i}");
                uninterrupted.Add((loss, o.param_groups.Select(g => g.lr).ToArray(), m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone())));
            }

            manual_seed(5);
            var m2 = Model();
            var (o2, s2) = Make(name, m2, lrScale: 3);
            var ckpt = Dict(torch.load(path));
            m2.load_state_dict(Dict(ckpt["model"]));
            o2.load_state_dict(Dict(ckpt["optimizer"]));
            s2.load_state_dict(Dict(ckpt["scheduler"]));
            long epoch = Assert.IsType<long>(ckpt["epoch"]);
            for (long i = epoch; i < Total; i++)
            {
                double loss = TrainStep(m2, o2, s2, x, y);
                var (l, lr, sd) = uninterrupted[(int)(i - saveAt)];
                Assert.Equal(l, loss);
                Assert.Equal(lr, o2.param_groups.Select(g => g.lr).ToArray());
                foreach (var (k, v) in m2.state_dict())
                    Assert.True(equal(sd[k], v), $"{name} resumed step {i}: {k} differs from the uninterrupted run");
            }
        }
        finally { File.Delete(path); }
    }

    /// <summary>Group options PyTorch keeps to choose among its implementations; Flint has one and does not save them.</summary>
    private static readonly string[] ImplementationSwitches = ["foreach", "capturable", "differentiable", "fused"];

    /// <summary>
    /// Compares a checkpoint Flint wrote with PyTorch's for the same run, as torch.load returns both: the same
    /// entries in the same order, the same container kinds, tensors of the same dtype and shape, numbers for numbers.
    /// PyTorch 1.13's RMSprop counts steps in an int where PyTorch 2 (and Flint) keep a 0-dim tensor.
    /// </summary>
    private static void AssertSameLayout(object? flint, object? pt, string path, List<string> errors)
    {
        static string Kind(object? o) => o switch
        {
            null => "None", Tensor => "tensor", Dictionary<string, object?> or Dictionary<object, object?> => "dict",
            List<object?> => "list", object?[] => "tuple", long or double => "number", _ => o.GetType().Name,
        };
        static List<KeyValuePair<object, object?>> Items(object o) => o is Dictionary<string, object?> sd
            ? sd.Select(kv => new KeyValuePair<object, object?>(kv.Key, kv.Value)).ToList() : ((Dictionary<object, object?>)o).ToList();
        if (pt is long && flint is Tensor { } step && step.dim() == 0 && path.EndsWith("['step']", StringComparison.Ordinal)) return;
        if (Kind(flint) != Kind(pt)) { errors.Add($"{path}: Flint has a {Kind(flint)}, PyTorch a {Kind(pt)}"); return; }
        switch (pt)
        {
            case Tensor t:
                var f = (Tensor)flint!;
                if (f.dtype != t.dtype || !f.shape.Equals(t.shape)) errors.Add($"{path}: Flint's tensor is {f.dtype} {f.shape}, PyTorch's {t.dtype} {t.shape}");
                break;
            case Dictionary<string, object?> or Dictionary<object, object?>:
                {
                    var fi = Items(flint!);
                    var pi = Items(pt).Where(kv => !(kv.Key is string k && ImplementationSwitches.Contains(k))).ToList();
                    var fk = string.Join(", ", fi.Select(kv => kv.Key)); var pk = string.Join(", ", pi.Select(kv => kv.Key));
                    if (fk != pk) { errors.Add($"{path}: Flint's keys [{fk}], PyTorch's [{pk}]"); break; }
                    for (int i = 0; i < pi.Count; i++)
                        AssertSameLayout(fi[i].Value, pi[i].Value, pi[i].Key is string sk ? $"{path}['{sk}']" : $"{path}[{pi[i].Key}]", errors);
                    break;
                }
            case List<object?> or object?[]:
                {
                    var fl = (IList<object?>)flint!; var pl = (IList<object?>)pt;
                    if (fl.Count != pl.Count) { errors.Add($"{path}: Flint has {fl.Count} items, PyTorch {pl.Count}"); break; }
                    for (int i = 0; i < pl.Count; i++) AssertSameLayout(fl[i], pl[i], $"{path}[{i}]", errors);
                    break;
                }
            case long or double:
                break;
            default:
                if (!Equals(flint, pt)) errors.Add($"{path}: Flint has {flint}, PyTorch {pt}");
                break;
        }
    }

    /// <summary>The saved optimizer state has PyTorch's layout: int ids, the step count a 0-dim float32 tensor, betas a tuple.</summary>
    [Fact]
    public void SavedOptimizerStateHasPyTorchsLayout()
    {
        var m = Model();
        var (o, s) = Make("adam", m);
        var x = ones(2, 4); var y = zeros(2, 3);
        TrainStep(m, o, s, x, y); TrainStep(m, o, s, x, y);
        var ms = new MemoryStream();
        torch.save(o.state_dict(), ms);
        ms.Position = 0;
        var sd = Dict(torch.load(ms));
        var state = Assert.IsType<Dictionary<object, object?>>(sd["state"]);
        Assert.Equal(new object[] { 0L, 1L, 2L, 3L }, state.Keys.ToArray());
        var first = Dict(state[0L]);
        Assert.Equal(["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"], first.Keys.ToArray());
        var step = Assert.IsAssignableFrom<Tensor>(first["step"]);
        Assert.Equal(float32, step.dtype);
        Assert.Equal(0, step.dim());
        Assert.Equal(2.0, step.item<double>());
        var groups = Assert.IsType<List<object?>>(sd["param_groups"]);
        var g0 = Dict(groups[0]);
        Assert.Equal(new object?[] { 0.8, 0.99 }, Assert.IsType<object?[]>(g0["betas"]));
        Assert.Equal(new List<object?> { 0L, 1L }, g0["params"]);
        Assert.Equal("params", g0.Keys.Last());
        var sched = s.state_dict();
        Assert.Equal(["step_size", "gamma", "base_lrs", "last_epoch", "verbose", "_step_count", "_get_lr_called_within_step", "_last_lr"], sched.Keys.ToArray());
        Assert.Equal(3L, sched["_step_count"]);
    }

    private static string Error(string key) => Doc.Value.GetProperty("errors").GetProperty(key).GetProperty("error").GetString()!;

    private static Dictionary<string, object?> ThroughFile(Dictionary<string, object?> sd)
    {
        var ms = new MemoryStream();
        torch.save(sd, ms);
        ms.Position = 0;
        return Dict(torch.load(ms));
    }

    /// <summary>State dicts that do not fit are refused with PyTorch's texts, and nothing is changed.</summary>
    [Fact]
    public void RefusesStateDictsThatDoNotFitWithPyTorchsTexts()
    {
        var m = Model();
        var one = ThroughFile(optim.SGD(m.parameters(), lr: 0.1).state_dict());
        var two = new SGD([new ParamGroup(Params(m, "0.")), new ParamGroup(Params(m, "2."))], lr: 0.1);
        Assert.Equal(Error("groups"), Assert.Throws<ArgumentException>(() => two.load_state_dict(one)).Message);
        var single = optim.SGD([m[0].parameters().First()], lr: 0.1);
        Assert.Equal(Error("group_size"), Assert.Throws<ArgumentException>(() => single.load_state_dict(one)).Message);

        var ckpt = Dict(torch.load(Path.Combine(Dir, "resume_sgd.pt")));
        var bigger = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3), nn.Linear(3, 3));
        Assert.Equal(Error("module_missing"), Assert.Throws<ArgumentException>(() => bigger.load_state_dict(Dict(ckpt["model"]))).Message);
        var smaller = nn.Sequential(nn.Linear(4, 8));
        Assert.Equal(Error("module_unexpected"), Assert.Throws<ArgumentException>(() => smaller.load_state_dict(Dict(ckpt["model"]))).Message);

        var model = Model();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        Dictionary<string, object?> Edited(params (string key, object? value)[] changes)
        {
            var sd = new Dictionary<string, object?>(Dict(ckpt["model"]));
            foreach (var (k, v) in changes) if (v is null) sd.Remove(k); else sd[k] = v;
            return sd;
        }
        Assert.Equal(Error("module_not_tensor"), Assert.Throws<ArgumentException>(() => model.load_state_dict(Edited(("0.bias", null), ("2.weight", "x"), ("2.bias", 3L)))).Message);
        Assert.Equal(Error("module_not_tensor_lenient"), Assert.Throws<ArgumentException>(() =>
            model.load_state_dict(Edited(("0.bias", null), ("2.weight", new List<object?> { 1.5 })), strict: false)).Message);
        Assert.Equal(Error("module_size"), Assert.Throws<ArgumentException>(() => model.load_state_dict(Edited(("0.weight", zeros(8, 5)), ("9.extra", "y")))).Message);
        foreach (var (k, v) in model.state_dict()) Assert.True(equal(before[k], v), $"{k} changed by a refused load");
        // not strict: a non-tensor under a key the module does not have is only unexpected
        var (missing, unexpected) = model.load_state_dict(Edited(("0.bias", null), ("9.extra", "y")), strict: false);
        Assert.Equal(["0.bias"], missing);
        Assert.Equal(["9.extra"], unexpected);
    }

    /// <summary>PyTorch 1.13's SGD saves a None momentum buffer; after loading it the first step starts the buffer from the gradient.</summary>
    [Fact]
    public void LoadsANoneMomentumBuffer()
    {
        var w = nn.Parameter(tensor(new float[] { 1, 2 }));
        var o = optim.SGD([w], lr: 0.5, momentum: 0.9);
        o.load_state_dict(ThroughFile(new Dictionary<string, object?>
        {
            ["state"] = new Dictionary<object, object?> { [0L] = new Dictionary<string, object?> { ["momentum_buffer"] = null } },
            ["param_groups"] = new List<object?> { new Dictionary<string, object?>
            {
                ["lr"] = 0.1, ["momentum"] = 0.9, ["dampening"] = 0L, ["weight_decay"] = 0L, ["nesterov"] = false, ["maximize"] = false,
                ["foreach"] = null, ["differentiable"] = false, ["params"] = new List<object?> { 0L },
            } },
        }));
        Assert.Null(o.state[w]["momentum_buffer"]);
        Assert.Equal(0.1, o.param_groups[0].lr);
        w.grad = tensor(new float[] { 1, -1 });
        o.step();
        Assert.Equal(new[] { 0.9f, 2.1f }, w.detach().ToArray<float>());
        Assert.Equal(new[] { 1f, -1f }, ((Tensor)o.state[w]["momentum_buffer"]).ToArray<float>());
    }

    /// <summary>A refused optimizer or scheduler state dict leaves the options, the state and the schedule as they were.</summary>
    [Fact]
    public void ARefusedLoadChangesNothing()
    {
        var m = Model();
        var (o, s) = Make("adam", m);
        TrainStep(m, o, s, ones(2, 4), zeros(2, 3));
        var good = ThroughFile(o.state_dict());
        var before = o.state_dict();
        string Snapshot() => string.Join(";", o.param_groups.Select(g => string.Join(",", g.options.Select(kv => $"{kv.Key}={kv.Value}"))))
            + "|" + string.Join(";", o.state.Values.Select(st => string.Join(",", st.Select(kv => kv.Value is Tensor t ? t.sum().item<double>().ToString("R") : kv.Key))));
        string snap = Snapshot();

        var badShape = Dict(torch.load(Path.Combine(Dir, "resume_adam.pt")));
        var opt = Dict(badShape["optimizer"]);
        var st = Assert.IsType<Dictionary<object, object?>>(opt["state"]);
        Dict(st[3L])["exp_avg"] = zeros(4);
        Dict(opt["param_groups"] is List<object?> l ? l[0] : null)["lr"] = 0.5;
        var e = Assert.Throws<ArgumentException>(() => o.load_state_dict(opt));
        Assert.Contains("state[3]['exp_avg'] has shape torch.Size([4]), but its parameter has shape torch.Size([3])", e.Message);
        Assert.Equal(snap, Snapshot());

        var badBetas = ThroughFile(before);
        Dict(((List<object?>)badBetas["param_groups"]!)[1])["betas"] = "high";
        Assert.Throws<ArgumentException>(() => o.load_state_dict(badBetas));
        var badLr = ThroughFile(before);
        Dict(((List<object?>)badLr["param_groups"]!)[1])["lr"] = "fast";
        Assert.Contains("param_groups[1]['lr'] must be a float, got str", Assert.Throws<ArgumentException>(() => o.load_state_dict(badLr)).Message);
        Assert.Throws<ArgumentException>(() => o.load_state_dict(new Dictionary<string, object?> { ["state"] = new Dictionary<string, object?>(), ["param_groups"] = 3L }));
        Assert.Throws<ArgumentException>(() => o.load_state_dict(new Dictionary<string, object?> { ["state"] = new Dictionary<string, object?>() }));
        Assert.Equal(snap, Snapshot());
        o.load_state_dict(good);
        Assert.Equal(snap, Snapshot());

        var sched = s.state_dict();
        sched["base_lrs"] = new List<object?> { 0.1 };
        sched["last_epoch"] = 9L;
        Assert.Contains("base_lrs has 1 values, but the optimizer has 2 parameter groups", Assert.Throws<ArgumentException>(() => s.load_state_dict(sched)).Message);
        Assert.Equal(1, s.last_epoch);
        sched = s.state_dict();
        sched["step_size"] = "three";
        Assert.Throws<ArgumentException>(() => s.load_state_dict(sched));
        Assert.Equal(1, s.last_epoch);
    }

    private static object MakeScheduler(string name, Optimizer o) => name switch
    {
        "StepLR" => new StepLR(o, step_size: 3, gamma: 0.5),
        "MultiStepLR" => new MultiStepLR(o, [2, 5, 5, 7], gamma: 0.5),
        "ExponentialLR" => new ExponentialLR(o, gamma: 0.8),
        "CosineAnnealingLR" => new CosineAnnealingLR(o, T_max: 3, eta_min: 0.01),
        "LambdaLR" => new LambdaLR(o, e => 1.0 / (1 + e)),
        "OneCycleLR" => new OneCycleLR(o, max_lr: 0.5, total_steps: 12, three_phase: true, anneal_strategy: "linear"),
        "ReduceLROnPlateau" => new ReduceLROnPlateau(o, mode: "max", factor: 0.5, patience: 3, cooldown: 1),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Every lr scheduler's state as PyTorch saved it loads into Flint's, and the schedule goes on as PyTorch's.</summary>
    [Fact]
    public void ContinuesPyTorchSchedules()
    {
        var rec = Doc.Value.GetProperty("schedulers");
        int saveAt = rec.GetProperty("save_at").GetInt32();
        var metrics = rec.GetProperty("metrics").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var saved = Dict(torch.load(Path.Combine(Dir, "resume_schedulers.pt")));
        var f = new Failures();
        foreach (var c in rec.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            f.Run(name, () =>
            {
                var o = optim.SGD([nn.Parameter(ones(2))], lr: 0.7, momentum: 0.2);
                var s = MakeScheduler(name, o);
                var entry = Dict(saved[name]);
                o.load_state_dict(Dict(entry["optimizer"]));
                if (s is ReduceLROnPlateau r) r.load_state_dict(Dict(entry["scheduler"]));
                else ((optim.lr_scheduler.LRScheduler)s).load_state_dict(Dict(entry["scheduler"]));
                var after = c.GetProperty("after").EnumerateArray().ToArray();
                for (int i = 0; i < after.Length; i++)
                {
                    if (s is ReduceLROnPlateau rp) rp.step(metrics[saveAt + i]); else ((optim.lr_scheduler.LRScheduler)s).step();
                    double lr = after[i][0].GetDouble(), momentum = after[i][1].GetDouble();
                    Assert.True(Math.Abs(o.param_groups[0].lr - lr) <= 1e-15 + 1e-13 * lr, $"epoch {saveAt + i}: lr {o.param_groups[0].lr}, PyTorch {lr}");
                    Assert.True(Math.Abs(o.param_groups[0]["momentum"] - momentum) <= 1e-13, $"epoch {saveAt + i}: momentum {o.param_groups[0]["momentum"]}, PyTorch {momentum}");
                }
            });
        }
        f.ThrowIfAny();
    }

    /// <summary>Schedulers save PyTorch's entries and continue after loading as the uninterrupted schedule.</summary>
    [Fact]
    public void SchedulersRoundTripThroughAFile()
    {
        var makers = new (string name, Func<Optimizer, object> make)[]
        {
            ("MultiStepLR", o => new MultiStepLR(o, [2, 4, 4], gamma: 0.5)),
            ("LambdaLR", o => new LambdaLR(o, e => 1.0 / (1 + e))),
            ("OneCycleLR", o => new OneCycleLR(o, max_lr: 0.5, total_steps: 12, three_phase: true, anneal_strategy: "linear")),
            ("ReduceLROnPlateau", o => new ReduceLROnPlateau(o, mode: "max", patience: 1, cooldown: 1)),
        };
        double[] metrics = [1, 0.5, 0.4, 0.3, 0.8, 0.2, 0.1, 0.0, 0.05, 0.01];
        foreach (var (name, make) in makers)
        {
            Optimizer Opt() => optim.SGD([nn.Parameter(ones(2))], lr: 0.1, momentum: 0.9);
            void Step(object s, int i)
            {
                if (s is ReduceLROnPlateau r) r.step(metrics[i]); else ((optim.lr_scheduler.LRScheduler)s).step();
            }
            Dictionary<string, object?> Save(object s) => s is ReduceLROnPlateau r ? r.state_dict() : ((optim.lr_scheduler.LRScheduler)s).state_dict();
            var o1 = Opt(); var s1 = make(o1);
            for (int i = 0; i < 4; i++) Step(s1, i);
            var saved = ThroughFile(new Dictionary<string, object?> { ["o"] = o1.state_dict(), ["s"] = Save(s1) });
            var expected = new List<double>();
            for (int i = 4; i < metrics.Length; i++) { Step(s1, i); expected.Add(o1.param_groups[0].lr); expected.Add(o1.param_groups[0]["momentum"]); }

            var o2 = optim.SGD([nn.Parameter(ones(2))], lr: 0.7, momentum: 0.1);
            var s2 = make(o2);
            o2.load_state_dict(Dict(saved["o"]));
            if (s2 is ReduceLROnPlateau r2) r2.load_state_dict(Dict(saved["s"])); else ((optim.lr_scheduler.LRScheduler)s2).load_state_dict(Dict(saved["s"]));
            var got = new List<double>();
            for (int i = 4; i < metrics.Length; i++) { Step(s2, i); got.Add(o2.param_groups[0].lr); got.Add(o2.param_groups[0]["momentum"]); }
            Assert.True(expected.SequenceEqual(got), $"{name}: [{string.Join(", ", got)}], uninterrupted [{string.Join(", ", expected)}]");
        }
    }
}
