// The code of docs/tutorial.md: each region below is one ```csharp block of the document, in order, byte for byte
// (after removing the method body's indentation). tests/Flint.Tests/Docs/TutorialTests.cs runs Run, checks each
// block's console output against the ```text block that follows it in the document, and checks that the
// document's code blocks are these regions. Change both files together.
using Flint;

namespace Flint.Docs;

public static class Tutorial
{
    /// <summary>Runs the tutorial's blocks in order, calling <paramref name="endOfBlock"/> after each but the last.</summary>
    public static void Run(Action endOfBlock)
    {
        #region install
        string env = torch.utils.collect_env();
        Console.Write(env);
        #endregion
        endOfBlock();
        #region create
        var data = new long[,] { { 1, 2 }, { 3, 4 } };
        var x_data = torch.tensor(data);
        Console.WriteLine(x_data);
        #endregion
        endOfBlock();
        #region from-array
        var np_array = System.Numerics.Tensors.Tensor.Create(new long[] { 1, 2, 3, 4 }, [2, 2]);
        var x_np = torch.from_numpy(np_array);
        Console.WriteLine(x_np);
        #endregion
        endOfBlock();
        #region like
        torch.manual_seed(0);
        var x_ones = torch.ones_like(x_data);
        Console.WriteLine($"Ones Tensor: \n {x_ones} \n");
        var x_rand = torch.rand_like(x_data, dtype: torch.float32);
        Console.WriteLine($"Random Tensor: \n {x_rand} \n");
        #endregion
        endOfBlock();
        #region shape
        long[] shape = [2, 3];
        var rand_tensor = torch.rand(shape);
        var ones_tensor = torch.ones(shape);
        var zeros_tensor = torch.zeros(shape);
        Console.WriteLine($"Random Tensor: \n {rand_tensor} \n");
        Console.WriteLine($"Ones Tensor: \n {ones_tensor} \n");
        Console.WriteLine($"Zeros Tensor: \n {zeros_tensor}");
        #endregion
        endOfBlock();
        #region attributes
        var tensor = torch.rand(3, 4);
        Console.WriteLine($"Shape of tensor: {tensor.shape}");
        Console.WriteLine($"Datatype of tensor: {tensor.dtype}");
        Console.WriteLine($"Device tensor is stored on: {tensor.device}");
        #endregion
        endOfBlock();
        #region devices
        Console.WriteLine(torch.cuda.is_available());
        if (torch.cuda.is_available())
            tensor = tensor.to("cuda");
        Console.WriteLine(tensor.device);
        #endregion
        endOfBlock();
        #region explain
        Console.Write(torch.cuda.explain());
        #endregion
        endOfBlock();
        #region indexing
        tensor = torch.ones(4, 4);
        Console.WriteLine($"First row: {tensor[0]}");
        Console.WriteLine($"First column: {tensor[.., 0]}");
        Console.WriteLine($"Last column: {tensor[TensorIndex.Ellipsis, ^1]}");
        tensor[.., 1].fill_(0);
        Console.WriteLine(tensor);
        #endregion
        endOfBlock();
        #region joining
        var t1 = torch.cat([tensor, tensor, tensor], dim: 1);
        Console.WriteLine(t1);
        #endregion
        endOfBlock();
        #region arithmetic
        // matrix multiplication: y1, y2 and y3 hold the same values
        var y1 = tensor.matmul(tensor.T);
        var y2 = tensor.matmul(tensor.T);
        var y3 = torch.rand_like(y1);
        torch.matmul(tensor, tensor.T, @out: y3);
        Console.WriteLine(y3);

        // element-wise product: z1, z2 and z3 hold the same values
        var z1 = tensor * tensor;
        var z2 = tensor.mul(tensor);
        var z3 = torch.rand_like(tensor);
        torch.mul(tensor, tensor, @out: z3);
        Console.WriteLine(z3);
        #endregion
        endOfBlock();
        #region item
        var agg = tensor.sum();
        float agg_item = agg.item<float>();
        Console.WriteLine($"{agg_item} {agg_item.GetType().Name}");
        #endregion
        endOfBlock();
        #region in-place
        Console.WriteLine($"{tensor} \n");
        tensor.add_(5);
        Console.WriteLine(tensor);
        #endregion
        endOfBlock();
        #region to-array
        var t = torch.ones(5);
        Console.WriteLine($"t: {t}");
        var n = t.numpy<float>();
        Console.WriteLine($"n: [{string.Join(", ", n)}]");
        #endregion
        endOfBlock();
        #region to-array-shared
        t.add_(1);
        Console.WriteLine($"t: {t}");
        Console.WriteLine($"n: [{string.Join(", ", n)}]");
        #endregion
        endOfBlock();
        #region from-array-shared
        var arr = new double[] { 1, 1, 1, 1, 1 };
        var ta = torch.from_numpy(arr);
        for (int i = 0; i < arr.Length; i++) arr[i] += 1;
        Console.WriteLine($"t: {ta}");
        Console.WriteLine($"n: [{string.Join(", ", arr)}]");
        #endregion
        endOfBlock();
        #region autograd-seed
        var x = torch.ones(2, 2, requires_grad: true);
        Console.WriteLine(x);
        var y = x + 1;
        Console.WriteLine(y);
        Console.WriteLine(y.grad_fn);
        var z = y * y * 2;
        var @out = z.mean();
        Console.WriteLine(z);
        Console.WriteLine(@out);
        #endregion
        endOfBlock();
        #region autograd-graph
        Console.WriteLine(@out.grad_fn!.name());
        var (mul, _) = @out.grad_fn.next_functions[0];
        Console.WriteLine(mul!.name());
        foreach (var (node, index) in mul.next_functions)
            Console.WriteLine($"  {node?.name() ?? "None"} {index}");
        var add = mul.next_functions[0].node!.next_functions[0].node!;
        Console.WriteLine(add.name());
        Console.WriteLine(add.next_functions[0].node!.name());
        #endregion
        endOfBlock();
        #region autograd-backward
        @out.backward();
        Console.WriteLine(x.grad);
        #endregion
        endOfBlock();
        #region requires-grad
        torch.manual_seed(0);
        var a = torch.randn(2, 2);
        a = a * 3 / (a - 1);
        Console.WriteLine(a.requires_grad);
        a.requires_grad_(true);
        Console.WriteLine(a.requires_grad);
        var b = (a * a).sum();
        Console.WriteLine(b.grad_fn);
        #endregion
        endOfBlock();
        #region vector-jacobian
        torch.manual_seed(0);
        x = torch.randn(3, requires_grad: true);
        y = x * 2;
        while (y.norm().item<float>() < 1000)
            y = y * 2;
        Console.WriteLine(y);
        var v = torch.tensor(new float[] { 0.1f, 1.0f, 0.0001f });
        y.backward(v);
        Console.WriteLine(x.grad);
        #endregion
        endOfBlock();
        #region no-grad
        Console.WriteLine(x.requires_grad);
        Console.WriteLine(x.pow(2).requires_grad);
        using (torch.no_grad())
        {
            Console.WriteLine(x.pow(2).requires_grad);
        }
        #endregion
        endOfBlock();
        #region detach
        Console.WriteLine(x.requires_grad);
        y = x.detach();
        Console.WriteLine(y.requires_grad);
        Console.WriteLine(x.eq(y).all());
        #endregion
    }
}
