// conv3x3, conv7x7s2_fwd, resnet18_infer and resnet18_step, as the peer benchmark defines them: a 3x3 convolution
// 64->64 on 16x64x56x56 forward and backward, the ResNet stem's 7x7 stride-2 convolution on 16x3x224x224 forward
// under no_grad, and torchvision's ResNet-18 (BasicBlock, default init) at batch 8 in eval under no_grad and as an
// SGD training step (momentum 0.9, cross_entropy on 1000 classes).
using Flint;
using F = Flint.torch.nn.functional;

namespace Flint.Bench;

public static partial class Workloads
{
    static void ConvWorkloads(Func<string, bool> want, Action<string, double, string> report)
    {
        torch.manual_seed(0);
        if (want("conv3x3"))
        {
            var conv = torch.nn.Conv2d(64, 64, 3, padding: 1, bias: false);
            var x = torch.randn([16, 64, 56, 56], requires_grad: true);
            var g = torch.randn(16, 64, 56, 56);
            void Step() => conv.forward(x).backward(g);
            var s = Time(Step, 3);
            report("conv3x3", s, $"{3 * 2.0 * 16 * 64 * 64 * 9 * 56 * 56 / s / 1e9:F1} GFLOP/s (fwd+bwd, 16x64x56x56)");
            MemoryReport("conv3x3", Step, 3);
        }
        if (want("conv7x7s2_fwd"))
        {
            var conv = torch.nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
            var x = torch.randn(16, 3, 224, 224);
            void Step() { using var _ = torch.no_grad(); conv.forward(x); }
            var s = Time(Step, 3);
            report("conv7x7s2_fwd", s, $"{2.0 * 16 * 64 * 3 * 49 * 112 * 112 / s / 1e9:F1} GFLOP/s (16x3x224x224)");
            MemoryReport("conv7x7s2_fwd", Step, 3);
        }
        if (want("resnet18_infer") || want("resnet18_step"))
        {
            torch.manual_seed(0);
            var net = new ResNet18();
            if (want("resnet18_infer"))
            {
                net.eval();
                var x = torch.randn(8, 3, 224, 224);
                void Step() { using var _ = torch.no_grad(); net.forward(x); }
                var s = Time(Step, 2, 5);
                report("resnet18_infer", s, $"{8 / s:F1} images/s (batch 8, eval)");
                MemoryReport("resnet18_infer", Step, 4);
            }
            if (want("resnet18_step"))
            {
                net.train();
                var opt = torch.optim.SGD(net.parameters(), 0.01, momentum: 0.9);
                var x = torch.randn(8, 3, 224, 224); var y = torch.randint(0, 1000, [8]);
                void Step()
                {
                    var loss = F.cross_entropy(net.forward(x), y);
                    opt.zero_grad(); loss.backward(); opt.step();
                }
                var s = Time(Step, 1, 5);
                report("resnet18_step", s, $"{8 / s:F1} images/s (batch 8, SGD)");
                MemoryReport("resnet18_step", Step, 4);
            }
        }
    }

    private sealed class BasicBlock : torch.nn.Module<Tensor, Tensor>
    {
        private readonly torch.nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2;
        private readonly torch.nn.Module<Tensor, Tensor>? down;

        public BasicBlock(long cin, long cout, long stride)
        {
            conv1 = torch.nn.Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false); bn1 = torch.nn.BatchNorm2d(cout);
            conv2 = torch.nn.Conv2d(cout, cout, 3, padding: 1, bias: false); bn2 = torch.nn.BatchNorm2d(cout);
            if (stride != 1 || cin != cout)
                down = torch.nn.Sequential(torch.nn.Conv2d(cin, cout, 1, stride: stride, bias: false), torch.nn.BatchNorm2d(cout));
        }

        public override Tensor forward(Tensor x)
        {
            var o = F.relu(bn1.forward(conv1.forward(x)));
            o = bn2.forward(conv2.forward(o));
            return F.relu(o + (down is null ? x : down.forward(x)));
        }
    }

    private sealed class ResNet18 : torch.nn.Module<Tensor, Tensor>
    {
        private readonly torch.nn.Module<Tensor, Tensor> stem, layers, fc;

        public ResNet18()
        {
            stem = torch.nn.Sequential(torch.nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false), torch.nn.BatchNorm2d(64),
                torch.nn.ReLU(), torch.nn.MaxPool2d(3, stride: 2, padding: 1));
            layers = torch.nn.Sequential(new BasicBlock(64, 64, 1), new BasicBlock(64, 64, 1), new BasicBlock(64, 128, 2),
                new BasicBlock(128, 128, 1), new BasicBlock(128, 256, 2), new BasicBlock(256, 256, 1), new BasicBlock(256, 512, 2),
                new BasicBlock(512, 512, 1));
            fc = torch.nn.Linear(512, 1000);
        }

        public override Tensor forward(Tensor x) =>
            fc.forward(F.adaptive_avg_pool2d(layers.forward(stem.forward(x)), new long[] { 1, 1 }).flatten(1));
    }
}
