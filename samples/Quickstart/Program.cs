// PyTorch's "Quickstart" (learn the basics: Fashion-MNIST), step for step in C#.
//   dotnet run -c Release --project samples/Quickstart            5 epochs, MLP, SGD lr 1e-3
//   dotnet run -c Release --project samples/Quickstart -- --help  the options
//   mpirun -np 2 dotnet run -c Release --project samples/Quickstart -- --distributed   data-parallel over 2 ranks
using Flint;
using Flint.Data;
using Flint.Optimizers;
using Flint.Vision;
using Quickstart;
using static Flint.torch;
using static Flint.Vision.transforms;

var options = Options.Parse(args, Console.Out, Console.Error);
if (options is null) return 2;
if (options.Help) return 0;
if (options.Threads is int threads) torch.set_num_threads(threads);
torch.manual_seed(options.Seed);

// ---------------------------------------------------------------- Distributed (--distributed)
// Under mpirun every process is one rank: DistributedSampler hands it its share of each epoch, DistributedDataParallel
// averages the gradients over the ranks (so they all hold the same weights); rank 0 prints and saves, the others stay quiet.
int rank = 0;
if (options.Distributed)
{
    torch.distributed.init_process_group(backend: "mpi");          // rank and world size from the launcher
    rank = torch.distributed.get_rank();
    if (rank != 0) Console.SetOut(TextWriter.Null);
    Console.WriteLine($"Distributed: {torch.distributed.get_world_size()} ranks over {torch.distributed.get_backend()}");
}

// ---------------------------------------------------------------- Working with data
// Download training data from open datasets. (Flint does not go to the network: download: true looks in
// ./data, ./data/FashionMNIST/raw and where other tools keep a copy; without the full set the sample
// trains on the copy of the 10k test images it carries.)
MnistDataset training_data, test_data;
try
{
    if (options.Bundled) (training_data, test_data) = Bundled("Fashion-MNIST, bundled test set:");
    else
    {
        training_data = datasets.FashionMNIST(root: options.Data ?? "data", train: true, download: options.Data is null, transform: ToTensor());
        test_data = datasets.FashionMNIST(root: options.Data ?? "data", train: false, download: options.Data is null, transform: ToTensor());
        Console.WriteLine($"Fashion-MNIST from {training_data.raw_folder}: {training_data.Count} training images, {test_data.Count} test images");
    }
}
catch (FileNotFoundException) when (options.Data is null)
{
    (training_data, test_data) = Bundled("The full Fashion-MNIST was not found in ./data, ./data/FashionMNIST/raw or /usr/share/datasets/fashion-mnist.");
}
catch (FileNotFoundException)
{
    Console.Error.WriteLine($"error: --data {options.Data}: no Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], " +
        $"t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) in {options.Data} or {Path.Combine(options.Data!, "FashionMNIST", "raw")}");
    return 1;
}

static (MnistDataset, MnistDataset) Bundled(string why)
{
    var (train, test) = EmbeddedData.FashionMNIST(transform: ToTensor());
    Console.WriteLine(why);
    Console.WriteLine($"Training on {train.Count} of the 10k bundled test images, testing on the other {test.Count} (--data DIR for the full 60k/10k).");
    return (train, test);
}

int batch_size = options.BatchSize;

// Create data loaders.
var sampler = options.Distributed ? new DistributedSampler(training_data, shuffle: true, seed: options.Seed) : null;
var train_dataloader = sampler is null
    ? new DataLoader(training_data, batch_size: batch_size, shuffle: true)
    : new DataLoader(training_data, batch_size: batch_size, sampler: sampler);
var test_dataloader = new DataLoader(test_data, batch_size: batch_size);

foreach (var (X, y) in test_dataloader)
{
    Console.WriteLine($"Shape of X [N, C, H, W]: {X.shape}");
    Console.WriteLine($"Shape of y: {y.shape} {y.dtype}");
    break;
}

// ---------------------------------------------------------------- Creating models
var device = torch.cuda.is_available() ? "cuda" : "cpu";
Console.WriteLine($"Using {device} device ({torch.get_num_threads()} threads)");

nn.Module<Tensor, Tensor> model = options.Model == "cnn" ? Models.ConvNet() : new NeuralNetwork();
model.to(device);
Console.WriteLine(model);
// DDP broadcasts rank 0's parameters and buffers; it trains, the optimizer steps the module's own parameters
nn.Module<Tensor, Tensor> trained = options.Distributed ? new nn.parallel.DistributedDataParallel(model) : model;

// ---------------------------------------------------------------- Optimizing the model parameters
var loss_fn = nn.CrossEntropyLoss();
Optimizer optimizer = options.Optimizer == "adam"
    ? torch.optim.Adam(model.parameters(), lr: options.Lr)
    : torch.optim.SGD(model.parameters(), lr: options.Lr);

var history = new History();
var started = DateTime.UtcNow;
for (int t = 0; t < options.Epochs; t++)
{
    Console.WriteLine($"Epoch {t + 1}\n-------------------------------");
    sampler?.set_epoch(t);
    Tutorial.train(train_dataloader, trained, loss_fn, optimizer, device, history);
    if (rank == 0) Tutorial.test(test_dataloader, model, loss_fn, device, history);
}
Console.WriteLine($"Done! ({(DateTime.UtcNow - started).TotalSeconds:0.0} s)");
if (rank != 0) return Finish(options);                            // rank 0 holds the same weights and saves them

// ---------------------------------------------------------------- Saving models
Checkpoint.Save(model, "model.pth");
Console.WriteLine("Saved PyTorch Model State to model.pth");
Curves.Save(history, "curves.png", $"Fashion-MNIST, {options.Model.ToUpperInvariant()} {options.Optimizer.ToUpperInvariant()} LR {options.Lr}");
Console.WriteLine("Saved loss and accuracy curves to curves.png");

// ---------------------------------------------------------------- Loading models
model = options.Model == "cnn" ? Models.ConvNet() : new NeuralNetwork();
model.load_state_dict(Checkpoint.Load("model.pth"));

string[] classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

model.eval();
var (x, label) = test_data[0];
using (torch.no_grad())
{
    x = x.to(device);
    var pred = model.call(x.unsqueeze(0));
    string predicted = classes[pred[0].argmax(0).item<long>()], actual = classes[label.item<long>()];
    Console.WriteLine($"Predicted: \"{predicted}\", Actual: \"{actual}\"");
}
return Finish(options);

// the ranks leave the job together once rank 0 has saved
static int Finish(Options options)
{
    if (options.Distributed)
    {
        torch.distributed.barrier();
        torch.distributed.destroy_process_group();
    }
    return 0;
}

namespace Quickstart
{
    /// <summary>The tutorial's network: flatten, then three linear layers with ReLU between them.</summary>
    public class NeuralNetwork : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> flatten = nn.Flatten();
        private readonly nn.Module<Tensor, Tensor> linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10));

        public override Tensor forward(Tensor x)
        {
            x = flatten.call(x);
            var logits = linear_relu_stack.call(x);
            return logits;
        }
    }

    /// <summary>The tutorial's train and test functions (the test suite runs them on a small slice).</summary>
    public static class Tutorial
    {
        /// <summary>One pass over the training data; returns the mean loss over the batches.</summary>
        public static double train(DataLoader dataloader, nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> loss_fn,
            Optimizer optimizer, string device = "cpu", History? history = null, TextWriter? output = null)
        {
            long size = dataloader.sampler?.num_samples ?? dataloader.Dataset.Count;
            using var progress = new torch.utils.Progress(dataloader.Count, output, unit: "samples", step_unit: "batches");
            model.train();
            double total = 0;
            long batch = 0, current = 0;
            foreach (var (X0, y0) in dataloader)
            {
                var (X, y) = (X0.to(device), y0.to(device));

                // Compute prediction error
                var pred = model.call(X);
                var loss = loss_fn.call(pred, y);

                // Backpropagation
                loss.backward();
                optimizer.step();
                optimizer.zero_grad();

                double lossValue = loss.item<float>();
                current += X.size(0);
                total += lossValue;
                history?.AddBatch(lossValue, (pred.argmax(1) == y).sum().item<long>() / (double)X.size(0), X.size(0));
                progress.set_postfix(FormattableString.Invariant($"loss: {lossValue:0.000000}"));
                progress.update(1, items: X.size(0));
                if (batch % 100 == 0) progress.write(FormattableString.Invariant($"loss: {lossValue,7:0.000000}  [{current,5}/{size,5}]"));
                batch++;
            }
            progress.close();
            history?.EndEpoch();
            return batch == 0 ? double.NaN : total / batch;
        }

        /// <summary>Evaluates on the test data; prints and returns (accuracy in [0, 1], mean loss).</summary>
        public static (double accuracy, double loss) test(DataLoader dataloader, nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> loss_fn,
            string device = "cpu", History? history = null, TextWriter? output = null)
        {
            output ??= Console.Out;
            long size = dataloader.Dataset.Count;
            long num_batches = dataloader.Count;
            model.eval();
            double test_loss = 0, correct = 0;
            using (torch.no_grad())
            {
                foreach (var (X0, y0) in dataloader)
                {
                    var (X, y) = (X0.to(device), y0.to(device));
                    var pred = model.call(X);
                    test_loss += loss_fn.call(pred, y).item<float>();
                    correct += (pred.argmax(1) == y).type(torch.@float).sum().item<float>();
                }
            }
            test_loss /= num_batches;
            correct /= size;
            output.WriteLine(FormattableString.Invariant($"Test Error: \n Accuracy: {100 * correct:0.0}%, Avg loss: {test_loss,8:0.000000} \n"));
            history?.AddTest(correct, test_loss);
            return (correct, test_loss);
        }
    }
}
