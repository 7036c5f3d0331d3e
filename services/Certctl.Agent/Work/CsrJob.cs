using System.Collections.Concurrent;
using Certctl.Agent.Client;
using Certctl.Agent.Keys;

namespace Certctl.Agent.Work;

/// <summary>
/// An <c>AwaitingCSR</c> job: make an ECDSA P-256 key on this host, store it 0600, and submit a CSR for the certificate's CN
/// and SANs. The key never leaves the host.
/// </summary>
public sealed class CsrJob(IAgentApi api, PrivateKeyStore keys, JobReporter reporter, TimeProvider time, ILogger<CsrJob> logger)
{
    // The server keeps returning the job until the certificate is issued; a second key would orphan the first CSR's certificate.
    private static readonly TimeSpan ResubmitAfter = TimeSpan.FromMinutes(30);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _submitted = new(StringComparer.Ordinal);

    /// <summary>Runs the job; a failure is reported as the job's <c>Failed</c> status with its reason.</summary>
    public async Task RunAsync(string agentId, WorkItem item, CancellationToken cancellationToken)
    {
        if (_submitted.TryGetValue(item.Id, out var at) && time.GetUtcNow() - at < ResubmitAfter)
        {
            logger.LogDebug("Job {JobId}: CSR already submitted at {At}; waiting for the certificate", item.Id, at);
            return;
        }

        string csr;
        try
        {
            using var key = keys.CreateKey(item.CertificateId);
            csr = CsrBuilder.Build(key, item.CommonName, item.Sans);
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or UnauthorizedAccessException)
        {
            await reporter.ReportAsync(agentId, item.Id, JobWireNames.Failed, $"CSR generation failed: {exception.Message}", cancellationToken);
            return;
        }

        try
        {
            await api.SubmitCsrAsync(agentId, new CsrSubmission(csr, item.CertificateId), cancellationToken);
        }
        catch (Exception exception) when (exception is Refit.ApiExceptionBase or HttpRequestException)
        {
            await reporter.ReportAsync(agentId, item.Id, JobWireNames.Failed, $"CSR submission failed: {exception.Message}", cancellationToken);
            return;
        }

        _submitted[item.Id] = time.GetUtcNow();
        logger.LogInformation("Job {JobId}: CSR for {CertificateId} ({CommonName}) submitted; key kept in {KeyFile}",
            item.Id, item.CertificateId, item.CommonName, keys.PathOf(item.CertificateId));
    }
}
