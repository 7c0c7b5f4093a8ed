// The benchmark's workloads as a NativeAOT binary: `Flint.Bench.Aot [WORKLOAD ...]` prints the lines Flint.Bench
// prints (name<TAB>seconds<TAB>figure). Flint.Bench --aot publishes and runs it.
using System.Globalization;
using Flint.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
foreach (var n in args)
    if (!Workloads.All.Contains(n)) { Console.Error.WriteLine($"unknown workload '{n}'; known: {string.Join(' ', Workloads.All)}"); return 2; }
Workloads.Run(args.Length > 0 ? new HashSet<string>(args) : null);
return 0;
