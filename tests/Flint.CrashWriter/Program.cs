using Flint;

// Saves checkpoints to one path in a loop until killed: args are the path and the elements per checkpoint.
// Each checkpoint is filled with its sequence number, so a reader can tell a complete file from a torn one.
if (args.Length != 2) { Console.Error.WriteLine("usage: Flint.CrashWriter PATH ELEMENTS"); return 2; }
string path = args[0];
long elements = long.Parse(args[1]);
for (int i = 1; ; i++)
{
    torch.save(torch.full([elements], (double)i), path);
    Console.WriteLine($"saved {i}");
}
