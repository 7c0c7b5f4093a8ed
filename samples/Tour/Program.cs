// The first half of PyTorch's beginner tutorial ("Tensors"), line for line in C#.
using Flint;

var x = torch.randn(5, 3, dtype: torch.@float);   // 5x3 random float32
Console.WriteLine(x);

x = torch.tensor(new long[] { 0, 1, 2, 3, 4 });
Console.WriteLine(x);

x = torch.randn(5, 3);
var y = torch.randn(5, 3);
var result = torch.empty(5, 3);
torch.add(x, y, @out: result);                    // out= form
Console.WriteLine(result);
y.add_(x);                                        // in-place form: a trailing _ mutates
Console.WriteLine(y);

var a = torch.tensor(new long[] { 0, 1, 2, 3, 4 });
var b = a.numpy<long>();                          // System.Numerics.Tensors.Tensor<long>, same memory
double[] ones = [1, 1, 1, 1, 1];                  // np.ones(5)
var c = torch.from_numpy(ones);                   // shares the array's memory
Console.WriteLine(c);

x = torch.ones(5);
if (torch.cuda.is_available())                    // false without a GPU
{
    var device = torch.device("cuda");
    y = torch.ones_like(x, device: device);
    x = x.to(device);
    Console.WriteLine((x + y).to("cpu", torch.@double));
}
