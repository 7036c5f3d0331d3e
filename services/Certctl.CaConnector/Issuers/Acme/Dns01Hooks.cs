using System.Diagnostics;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// dns-01 through the operator's scripts: <c>dns_present_script</c> publishes the TXT record and <c>dns_cleanup_script</c>
/// removes it, each run with <c>CERTCTL_DNS_DOMAIN</c>, <c>CERTCTL_DNS_FQDN</c> (<c>_acme-challenge.&lt;domain&gt;</c>),
/// <c>CERTCTL_DNS_VALUE</c> (the TXT value) and <c>CERTCTL_DNS_TOKEN</c> in its environment.
/// </summary>
public static class Dns01Hooks
{
    /// <summary>How long one script may run.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The TXT record name for <paramref name="domain"/> (a wildcard's base domain).</summary>
    public static string Fqdn(string domain) => $"_acme-challenge.{domain}";

    /// <exception cref="CertificateAuthorityException">The script is missing, fails, or runs past <see cref="Timeout"/>.</exception>
    public static async Task RunAsync(string script, string what, string domain, string token, string value, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(script)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["CERTCTL_DNS_DOMAIN"] = domain;
        start.Environment["CERTCTL_DNS_FQDN"] = Fqdn(domain);
        start.Environment["CERTCTL_DNS_VALUE"] = value;
        start.Environment["CERTCTL_DNS_TOKEN"] = token;

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CertificateAuthorityException($"The dns-01 {what} script {script} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new CertificateAuthorityException($"The dns-01 {what} script {script} cannot be run: {ex.Message}", ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new CertificateAuthorityException($"The dns-01 {what} script {script} ran longer than {Timeout.TotalSeconds:0} s for {domain}.");
            }

            if (process.ExitCode != 0)
            {
                var text = $"{await errors}{await output}".Trim();
                throw new CertificateAuthorityException(
                    $"The dns-01 {what} script {script} exited with {process.ExitCode} for {domain}: {(text.Length > 500 ? text[..500] : text)}");
            }
        }
    }
}
