using Flint;

var a = torch.tensor(new long[] { 0, 1, 2, 3, 4 });
Console.WriteLine(a + 1);
Console.WriteLine(torch.ones(2, 3) * 2.5);
Console.WriteLine(torch.arange(6).view(2, 3).t().contiguous().view(6));
Console.WriteLine(torch.div(torch.tensor(new long[] { 7, -7 }), 2, rounding_mode: "floor"));
Console.WriteLine(torch.tensor(new int[] { 1, 2 }) + torch.tensor(new double[] { 0.5, 0.5 }));
Console.WriteLine((torch.tensor(new int[] { 1, 2 }) + 1.5).dtype);
Console.WriteLine(torch.arange(3).shape);
