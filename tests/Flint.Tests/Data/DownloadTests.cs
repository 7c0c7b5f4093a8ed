using System.Net;
using System.Security.Cryptography;
using Flint;
using Flint.Vision;
using Xunit;

namespace Flint.Tests.Data;

public class DownloadTests
{
    [Fact]
    public void MissingDataWithoutDownloadGivesPyTorchsMessage()
    {
        var root = Path.Combine(Path.GetTempPath(), "flint-nodata-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<FileNotFoundException>(() => datasets.MNIST(root: root, download: false));
        Assert.Equal("Dataset not found. You can use download=True to download it", e.Message);
    }

    /// <summary>Serves fixed bytes on a loopback port for the duration of a test.</summary>
    private sealed class LocalServer : IDisposable
    {
        private readonly HttpListener listener = new();
        public string Prefix { get; }
        public LocalServer(byte[] body)
        {
            int port = 0;
            for (int attempt = 0; attempt < 20; attempt++)
            {
                port = Random.Shared.Next(20000, 60000);
                try { listener.Prefixes.Add($"http://127.0.0.1:{port}/"); listener.Start(); break; }
                catch (HttpListenerException) { listener.Prefixes.Clear(); }
            }
            Prefix = $"http://127.0.0.1:{port}/";
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await listener.GetContextAsync(); } catch { return; }
                    ctx.Response.OutputStream.Write(body);
                    ctx.Response.Close();
                }
            });
        }
        public void Dispose() { listener.Stop(); listener.Close(); }
    }

    [Fact]
    public void DownloadChecksTheMd5AndWritesAtomically()
    {
        var body = new byte[] { 1, 2, 3, 4, 5 };
        var md5 = Convert.ToHexStringLower(MD5.HashData(body));
        var root = Path.Combine(Path.GetTempPath(), "flint-dl-" + Guid.NewGuid().ToString("N"));
        using var server = new LocalServer(body);
        try
        {
            Download.Fetch("Test", root, [server.Prefix], [new Download.Resource("good.gz", md5)], TimeSpan.FromSeconds(10));
            var raw = Download.RawFolder(root, "Test");
            Assert.Equal(body, File.ReadAllBytes(Path.Combine(raw, "good.gz")));

            var e = Assert.Throws<IOException>(() =>
                Download.Fetch("Test", root, [server.Prefix], [new Download.Resource("bad.gz", "00000000000000000000000000000000")], TimeSpan.FromSeconds(10)));
            Assert.Contains("checksum mismatch", e.Message);
            Assert.False(File.Exists(Path.Combine(raw, "bad.gz")));
            Assert.Empty(Directory.GetFiles(raw, "*.part"));
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }
}
