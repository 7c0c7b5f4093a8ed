using System.Diagnostics;
using Flint;
using Flint.Cuda;

// Runs the backend's checks on the GPU: each op on cuda against the same op on the CPU, autograd through cuda
// tensors, the memory statistics and streams; then times a few workloads (queued work waited for with synchronize).
if (!FlintCuda.Register() || FlintCuda.IsCpuAccelerator)
{
    Console.WriteLine("no GPU: " + FlintCuda.Status);
    Console.WriteLine(torch.cuda.explain());
    return 2;
}
Console.WriteLine(torch.cuda.explain());
var cuda = new Device("cuda");
int failed = 0, passed = 0;

void Check(string name, Func<Device, Tensor> f, double rtol = 1e-4, double atol = 1e-5)
{
    try
    {
        var c = f(Device.CPU);
        var g = f(cuda).cpu();
        bool ok = c.dtype == g.dtype && c.shape.SequenceEqual(g.shape) &&
            (c.dtype.is_floating_point ? torch.allclose(c.@double(), g.@double(), rtol, atol, equal_nan: true) : torch.equal(c, g));
        if (ok) passed++; else { failed++; Console.WriteLine($"FAIL {name}: expected\n{c}\ngot\n{g}"); }
    }
    catch (Exception e) { failed++; Console.WriteLine($"FAIL {name}: {e.GetType().Name}: {e.Message}"); }
}

torch.manual_seed(1);
var x = torch.randn([37, 129]);
var w = torch.randn([129, 65]);
var xi = torch.arange(-100, 100, dtype: DType.Int32).view(8, 25);
Check("copy round trip", d => x.to(d));
Check("transposed copy", d => x.t().to(d).contiguous());
Check("exp", d => x.to(d).exp());
Check("tanh of transposed", d => x.t().to(d).tanh());
Check("sigmoid", d => torch.sigmoid(x.to(d)));
Check("broadcast add", d => x.to(d) + x[0].to(d));
Check("mul scalar", d => x.to(d) * 3);
Check("int add", d => xi.to(d) + xi.to(d));
Check("compare", d => x.to(d).gt(0));
Check("where", d => torch.where(x.to(d).gt(0), x.to(d), torch.zeros([1], device: d)));
Check("casts", d => x.to(d).to(DType.Int16).to(DType.Float64));
Check("sum", d => x.to(d).sum(), 1e-4, 1e-3);
Check("sum dim", d => x.to(d).sum(1), 1e-4, 1e-4);
Check("mean dim 0", d => x.to(d).mean(0));
Check("amax", d => x.to(d).amax(1));
Check("argmax", d => x.to(d).argmax(1));
Check("softmax", d => torch.softmax(x.to(d), 1));
Check("log_softmax", d => torch.log_softmax(x.to(d), 0));
Check("matmul (cuBLAS)", d => x.to(d).matmul(w.to(d)), 1e-4, 1e-4);
Check("matmul transposed", d => w.t().to(d).matmul(x.t().to(d)), 1e-4, 1e-4);
Check("bmm", d => torch.bmm(x.view(1, 37, 129).expand(3, 37, 129).to(d), w.view(1, 129, 65).expand(3, 129, 65).to(d)), 1e-4, 1e-4);
Check("int matmul", d => xi.to(d).matmul(xi.t().to(d)));
Check("double matmul", d => x.@double().to(d).matmul(w.@double().to(d)), 1e-10, 1e-10);
Check("gradients", d =>
{
    var a = x.detach().to(d).requires_grad_();
    var b = w.detach().to(d).requires_grad_();
    torch.tanh(a.matmul(b)).mean().backward();
    return torch.cat([a.grad!.view(-1), b.grad!.view(-1)]);
}, 1e-4, 1e-6);

try
{
    long before = torch.cuda.memory_allocated();
    var t = torch.empty([1 << 20], device: cuda);
    if (torch.cuda.memory_allocated() != before + (4 << 20)) throw new Exception($"memory_allocated {torch.cuda.memory_allocated()} after 4 MiB from {before}");
    GC.KeepAlive(t);
    var s = new torch.cuda.Stream();
    var e0 = new torch.cuda.Event(enable_timing: true);
    var e1 = new torch.cuda.Event(enable_timing: true);
    using (torch.cuda.stream(s)) { e0.record(); _ = (t * 2).sum(); e1.record(); }
    e1.synchronize();
    Console.WriteLine($"event elapsed_time: {e0.elapsed_time(e1):F3} ms");
    passed++;
}
catch (Exception e) { failed++; Console.WriteLine($"FAIL memory/streams: {e.Message}"); }

// timings: the median of 5 runs after a warm-up, each waited for with torch.cuda.synchronize()
void Time(string name, Action a)
{
    a(); torch.cuda.synchronize();
    var times = new List<double>();
    for (int i = 0; i < 5; i++)
    {
        var sw = Stopwatch.StartNew();
        a(); torch.cuda.synchronize();
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"time {name}: {times[2]:F3} ms");
}
var big = torch.randn([4096, 4096]).to(cuda);
var v = torch.randn([1 << 24]).to(cuda);
Time("matmul 4096x4096 float32", () => big.matmul(big));
Time("add 16M float32", () => _ = v + v);
Time("sum 16M float32", () => _ = v.sum());
Time("softmax 4096x4096", () => _ = torch.softmax(big, 1));
Time("upload+download 64 MiB", () => _ = v.cpu().to(cuda));

Console.WriteLine($"cuda check: {passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;
