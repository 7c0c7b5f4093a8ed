using System.Security.Cryptography;

namespace Flint.Vision;

/// <summary>
/// Downloads a data set's files from its official mirrors into root/Name/raw, verifying each file's MD5
/// checksum and writing atomically (a temporary file, flushed, then renamed), as torchvision does.
/// </summary>
internal static class Download
{
    internal sealed record Resource(string File, string Md5);

    internal static readonly Dictionary<string, (string[] mirrors, Resource[] files)> Sets = new()
    {
        ["MNIST"] = (
            ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
            [
                new("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                new("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                new("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                new("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
            ]),
        ["FashionMNIST"] = (
            ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
            [
                new("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                new("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                new("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                new("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
            ]),
    };

    /// <summary>The folder torchvision downloads into: root/Name/raw.</summary>
    internal static string RawFolder(string root, string name) => Path.Combine(root, name, "raw");

    /// <summary>Downloads every file of the set that is not already present and valid. Throws with the reason when offline.</summary>
    internal static void Fetch(string name, string root, TimeSpan? timeout = null)
    {
        var (mirrors, files) = Sets[name];
        Fetch(name, root, mirrors, files, timeout);
    }

    internal static void Fetch(string name, string root, string[] mirrors, Resource[] files, TimeSpan? timeout = null)
    {
        var dir = RawFolder(root, name);
        Directory.CreateDirectory(dir);
        using var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        foreach (var res in files)
        {
            var target = Path.Combine(dir, res.File);
            if (File.Exists(target) && Md5(target) == res.Md5) continue;
            var errors = new List<string>();
            bool done = false;
            foreach (var mirror in mirrors)
            {
                var url = mirror + res.File;
                var tmp = target + $".{Environment.ProcessId}.part";
                try
                {
                    using (var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
                    {
                        response.EnsureSuccessStatusCode();
                        using var body = response.Content.ReadAsStream();
                        using var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None);
                        body.CopyTo(fs);
                        fs.Flush(flushToDisk: true);
                    }
                    var md5 = Md5(tmp);
                    if (md5 != res.Md5) throw new InvalidDataException($"checksum mismatch: got MD5 {md5}, expected {res.Md5}");
                    File.Move(tmp, target, overwrite: true);
                    done = true;
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException)
                {
                    errors.Add($"{url}: {e.Message}");
                    try { File.Delete(tmp); } catch (IOException) { }
                }
            }
            if (!done)
                throw new IOException(
                    $"Could not download {name} file {res.File} (is this machine offline?):\n  " + string.Join("\n  ", errors) +
                    $"\nPlace the IDX files (gzipped or not) in '{dir}' or pass their folder as root.");
        }
    }

    internal static string Md5(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(fs));
    }
}
