using System.Net;
using System.Text;
using Microsoft.DotNet.Interactive.Formatting;
using static Flint.torch;

namespace Flint.Interactive;

/// <summary>
/// How Flint's objects show in a notebook. A tensor shows its PyTorch repr as text/plain and, as text/html, a
/// one-line header (shape, dtype, device, grad_fn) over a table of its values formatted as the repr formats them,
/// summarized past the print threshold as the repr is; a tensor of more than two dimensions shows its repr. A module
/// shows its repr and its parameter counts; a chart shows as a PNG image. Without these the host's default formatter
/// walks every public property of a tensor (data, T, mT, mH, ...) recursively, which runs to megabytes.
/// </summary>
public static class Formatters
{
    private static int registered;

    /// <summary>Registers the formatters (once; later calls do nothing).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        Formatter.Register<Tensor>((t, w) => w.Write(t.ToString()), PlainTextFormatter.MimeType);
        Formatter.Register<Tensor>((t, w) => w.Write(TensorHtml(t)), HtmlFormatter.MimeType);
        Formatter.Register<nn.Module>((m, w) => w.Write(ModuleText(m)), PlainTextFormatter.MimeType);
        Formatter.Register<nn.Module>((m, w) => w.Write(ModuleHtml(m)), HtmlFormatter.MimeType);
        Formatter.Register<utils.Chart>((c, w) => w.Write(ImageHtml(c.to_png(), c.title)), HtmlFormatter.MimeType);
        Formatter.Register<LossPlot>((p, w) => w.Write(ImageHtml(p.Chart().to_png(), p.title)), HtmlFormatter.MimeType);
        Formatter.Register<LossPlot>((p, w) => w.Write(p.ToString()), PlainTextFormatter.MimeType);
    }

    /// <summary>The one-line description above a tensor's values: shape, dtype, device, grad_fn or requires_grad.</summary>
    public static string Header(Tensor t)
    {
        var parts = new List<string> { "tensor", "(" + string.Join(", ", t.shape) + ")", t.dtype.ToString().Replace("torch.", ""), t.device.ToString() };
        if (t.grad_fn is { } fn) parts.Add("grad_fn=<" + fn.name() + ">");
        else if (t.requires_grad) parts.Add("requires_grad=True");
        return string.Join(" · ", parts);
    }

    /// <summary>The text/html of a tensor.</summary>
    public static string TensorHtml(Tensor t)
    {
        var sb = new StringBuilder();
        sb.Append("<div class=\"flint-tensor\"><div style=\"font-family:monospace;opacity:0.7\">")
          .Append(WebUtility.HtmlEncode(Header(t))).Append("</div>");
        var grid = Printing.TensorFormatter.Grid(t);
        if (grid is null)
            sb.Append("<pre style=\"margin:0\">").Append(WebUtility.HtmlEncode(t.ToString())).Append("</pre>");
        else
        {
            sb.Append("<table style=\"font-family:monospace;text-align:right\">");
            foreach (var row in grid)
            {
                sb.Append("<tr>");
                if (row is null) sb.Append("<td>⋮</td>");
                else
                    foreach (var cell in row) sb.Append("<td>").Append(cell is null ? "…" : WebUtility.HtmlEncode(cell)).Append("</td>");
                sb.Append("</tr>");
            }
            sb.Append("</table>");
        }
        return sb.Append("</div>").ToString();
    }

    /// <summary>A module's parameter counts: all of them, and those that require grad.</summary>
    public static (long total, long trainable) ParameterCounts(nn.Module m)
    {
        long total = 0, trainable = 0;
        foreach (var p in m.parameters())
        {
            total += p.numel();
            if (p.requires_grad) trainable += p.numel();
        }
        return (total, trainable);
    }

    private static string CountsLine(nn.Module m)
    {
        var (total, trainable) = ParameterCounts(m);
        return $"{total:N0} parameters ({trainable:N0} trainable)";
    }

    /// <summary>The text/plain of a module: its repr and its parameter counts.</summary>
    public static string ModuleText(nn.Module m) => m + "\n" + CountsLine(m);

    /// <summary>The text/html of a module.</summary>
    public static string ModuleHtml(nn.Module m) =>
        "<div class=\"flint-module\"><pre style=\"margin:0\">" + WebUtility.HtmlEncode(m.ToString()) + "</pre><div style=\"font-family:monospace;opacity:0.7\">"
        + WebUtility.HtmlEncode(CountsLine(m)) + "</div></div>";

    private static string ImageHtml(byte[] png, string title) =>
        "<img alt=\"" + WebUtility.HtmlEncode(title) + "\" src=\"data:image/png;base64," + Convert.ToBase64String(png) + "\"/>";
}
