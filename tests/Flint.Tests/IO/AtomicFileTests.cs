using System.Diagnostics;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>
/// Saves are atomic and leave nothing behind: a reader sees the old checkpoint or the new one, and the temporaries
/// of writers killed mid-save are removed by the next save to that path.
/// </summary>
public class AtomicFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flint-atomic-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string WriterDll => Path.Combine(AppContext.BaseDirectory, "Flint.CrashWriter.dll");

    private string[] Temporaries(string name) => Directory.GetFiles(dir, $".{name}.*");

    [Fact]
    public void KilledSavesLeaveTheOldOrNewFileAndTheNextSaveCleansUp()
    {
        string target = Path.Combine(dir, "model.pt");
        torch.save(torch.full([1], 0.0), target);
        var rng = new Random(1234);
        int killedWithTemporary = 0;
        for (int round = 0; round < 5; round++)
        {
            var psi = new ProcessStartInfo("dotnet", [WriterDll, target, "2000000"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            // wait for a few complete saves, then kill -9 at a random moment of the next ones
            for (int seen = 0; seen < 2;)
            {
                var line = p.StandardOutput.ReadLine();
                Assert.True(line is not null, "the writer exited before saving");
                if (line!.StartsWith("saved ", StringComparison.Ordinal)) seen++;
            }
            Thread.Sleep(rng.Next(0, 15));
            p.Kill(entireProcessTree: true);   // SIGKILL on Unix: no catch, no finally runs
            p.WaitForExit();
            if (Temporaries("model.pt").Length > 0) killedWithTemporary++;

            // old or new: the target is always one complete checkpoint, all elements equal
            var t = (Tensor)torch.load(target)!;
            var v = t.ToArray<double>();
            Assert.True(v.Length == 1 || v.Length == 2_000_000, $"torn checkpoint of {v.Length} elements");
            Assert.All(v, x => Assert.Equal(v[0], x));
        }
        // the next save to the path removes what the killed writers left, and only the target remains
        torch.save(torch.full([3], 7.0), target);
        Assert.Empty(Temporaries("model.pt"));
        Assert.Equal(new[] { "model.pt" }, Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).ToArray());
        Assert.Equal([7.0, 7, 7], ((Tensor)torch.load(target)!).ToArray<double>());
        // the loop is meant to kill writers mid-save; if none left a temporary the cleanup went untested
        Assert.True(killedWithTemporary > 0, "no kill landed during a write");
    }

    [Fact]
    public void TemporariesOfLiveWritersAndOtherFilesAreLeftAlone()
    {
        string target = Path.Combine(dir, "w.pt");
        // a temporary this process is writing (held open without sharing, as a writer holds it)
        string live = Path.Combine(dir, $".w.pt.{Environment.ProcessId}.00000000000000000000000000000001{AtomicFile.TempSuffix}");
        // a stale one of this process (crashed write earlier in this run) and of a process that is gone
        string staleOwn = Path.Combine(dir, $".w.pt.{Environment.ProcessId}.00000000000000000000000000000002{AtomicFile.TempSuffix}");
        int deadPid = DeadPid();
        string staleDead = Path.Combine(dir, $".w.pt.{deadPid}.00000000000000000000000000000003{AtomicFile.TempSuffix}");
        // files that are not this path's temporaries
        string otherTarget = Path.Combine(dir, $".v.pt.{deadPid}.00000000000000000000000000000004{AtomicFile.TempSuffix}");
        string userFile = Path.Combine(dir, ".w.pt.notes");
        foreach (var f in new[] { staleOwn, staleDead, otherTarget, userFile }) File.WriteAllText(f, "x");
        using (var holder = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            torch.save(torch.ones(2), target);
            Assert.True(File.Exists(live));
        }
        Assert.False(File.Exists(staleOwn));
        Assert.False(File.Exists(staleDead));
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(userFile));
    }

    [Fact]
    public void AFailedWriteDeletesItsTemporaryAndKeepsTheOldFile()
    {
        string target = Path.Combine(dir, "f.npy");
        torch.save(torch.ones(2), target);
        var before = File.ReadAllBytes(target);
        Assert.ThrowsAny<Exception>(() => AtomicFile.Write(target, s => { s.WriteByte(1); throw new IOException("disk full"); }));
        Assert.Equal(before, File.ReadAllBytes(target));
        Assert.Empty(Temporaries("f.npy"));
    }

    /// <summary>The pid of a process that has exited.</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.Id;
    }
}
