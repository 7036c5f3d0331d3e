using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Xunit;
using Xunit.Abstractions;

namespace Certctl.Testing;

/// <summary>Runs the real Debian <c>lego</c> ACME client and reads back the certificates it stored, verified with openssl.</summary>
public static class LegoCli
{
    /// <summary>How long one lego command may take (registration, order, validation, finalize and download together).</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs <c>lego</c> with <paramref name="arguments"/>, logging what it printed; fails the test when it exits non-zero or runs too long.</summary>
    public static async Task RunAsync(ITestOutputHelper output, params string[] arguments)
    {
        var (exitCode, text) = await TryRunAsync(output, arguments);
        Assert.True(exitCode == 0, $"lego exited {exitCode}: {text}");
    }

    /// <summary>Runs <c>lego</c> as <see cref="RunAsync"/> does, for a test that expects it may fail: its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> TryRunAsync(ITestOutputHelper output, params string[] arguments)
    {
        var start = new ProcessStartInfo("lego") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("lego did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A lego left polling would keep its challenge port and files busy for the next test.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var text = await stdout + await stderr;
        output.WriteLine($"lego {string.Join(' ', arguments)}:{Environment.NewLine}{text}");
        Assert.False(timeout.IsCancellationRequested, $"lego ran longer than {CommandTimeout}: {text}");
        return (process.ExitCode, text);
    }

    /// <summary>
    /// The leaf lego stored for <paramref name="domain"/> under <paramref name="files"/> (its <c>--path</c>), after
    /// <c>openssl verify</c> accepted it against the chain lego received, whose last certificate is the root.
    /// </summary>
    public static async Task<X509Certificate2> VerifiedCertificateAsync(ScratchFiles files, string domain)
    {
        var leaf = files.PathOf($"certificates/{domain}.crt");
        var issuers = files.PathOf($"certificates/{domain}.issuer.crt");
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(issuers);
        Assert.NotEmpty(chain);
        Assert.Equal(chain[^1].SubjectName.RawData, chain[^1].IssuerName.RawData); // the trust anchor is a self-signed root
        var root = files.Write($"{domain}.root.pem", chain[^1].ExportCertificatePem());
        var verified = await OpenSslCli.RunCheckedAsync("verify", "-CAfile", root, "-untrusted", issuers, leaf);
        Assert.Contains(": OK", verified);
        var stored = new X509Certificate2Collection();
        stored.ImportFromPemFile(leaf); // lego's .crt is the bundle, leaf first
        return stored[0];
    }

    /// <summary>The subjectAltName DNS names of <paramref name="certificate"/>.</summary>
    public static string[] DnsNames(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames()];
}
