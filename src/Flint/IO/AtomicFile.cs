using System.Collections.Concurrent;
using System.Diagnostics;

namespace Flint;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one, never a partial one: the bytes go
/// to a temporary next to the target, which is flushed to disk and then renamed over it.
/// </summary>
/// <remarks>
/// A process killed mid-write (kill -9, power loss) cannot delete its temporary, so each temporary's name says
/// whose it is: <c>.{target}.{pid}.{random}.flint-tmp</c>. Every save to a path first removes the temporaries of that
/// path left by writers that are gone: a process that no longer runs, or this process when the write is not one of
/// its own in progress. A temporary a live writer holds is never touched: it is also held open without sharing,
/// and one that cannot be opened that way is left alone.
/// </remarks>
internal static class AtomicFile
{
    internal const string TempSuffix = ".flint-tmp";

    /// <summary>The temporaries this process is writing now.</summary>
    private static readonly ConcurrentDictionary<string, byte> Active = new(StringComparer.Ordinal);

    private static readonly int Pid = Environment.ProcessId;

    internal static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string name = Path.GetFileName(full);
        string tmp = Path.Combine(dir, $".{name}.{Pid}.{Guid.NewGuid():N}{TempSuffix}");
        Active[tmp] = 0;
        try
        {
            RemoveStale(dir, name);
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
        finally
        {
            Active.TryRemove(tmp, out _);
        }
    }

    /// <summary>Deletes the temporaries of <paramref name="name"/> in <paramref name="dir"/> whose writer is gone.</summary>
    internal static void RemoveStale(string dir, string name)
    {
        string[] candidates;
        try { candidates = Directory.GetFiles(dir, $".{name}.*{TempSuffix}"); }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        foreach (var file in candidates)
        {
            if (Active.ContainsKey(file) || WriterMayBeAlive(Path.GetFileName(file), name)) continue;
            try
            {
                // a writer holds its temporary open without sharing; one we can open so is not being written
                using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
            }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            TryDelete(file);
        }
    }

    /// <summary>Reads the writer's pid from a temporary's name: false when that process no longer runs (or is this one).</summary>
    private static bool WriterMayBeAlive(string tempName, string name)
    {
        // .{name}.{pid}.{guid}.flint-tmp
        var rest = tempName.AsSpan(name.Length + 2);
        int dot = rest.IndexOf('.');
        if (dot <= 0 || !int.TryParse(rest[..dot], out int pid)) return true;   // not ours: leave it
        if (pid == Pid) return false;   // this process, and not among its active writes
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }   // no such process
        catch (InvalidOperationException) { return false; }
        catch (System.ComponentModel.Win32Exception) { return true; }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
