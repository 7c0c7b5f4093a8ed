// The package README's first model, as a package user writes it: fits y = 3x + 0.5 with a small MLP and Adam.
// run.sh installs the packed Flint into a fresh console app, builds this file there and checks what it prints.
using Flint;
using static Flint.torch;

torch.manual_seed(0);
var x = torch.linspace(-1, 1, 64).unsqueeze(1);
var y = 3 * x + 0.5 + 0.1 * torch.randn(64, 1);

var model = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1));
var optimizer = torch.optim.Adam(model.parameters(), lr: 0.05);
var loss_fn = nn.MSELoss();

for (int step = 0; step < 200; step++)
{
    var loss = loss_fn.call(model.call(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (step % 50 == 0 || step == 199) Console.WriteLine($"step {step}: loss {loss.item<float>():F4}");
}
Console.WriteLine(model.call(torch.tensor(new float[] { 0.5f }).unsqueeze(1)));
Console.WriteLine($"torch.__version__ {torch.__version__}");
