using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Certctl.Agent.Client;
using Certctl.Agent.Deployment;
using Certctl.Agent.Deployment.Targets;
using Certctl.Agent.Keys;
using Certctl.Agent.Verification;

namespace Certctl.Agent.Work;

/// <summary>
/// A <c>Deployment</c> job (reference §5.6): fetch the certificate, pair it with this host's key, deploy it atomically to the
/// target, check the endpoint when the target names one, and report.
/// </summary>
public sealed class DeploymentJob(
    IAgentApi api,
    PrivateKeyStore keys,
    TargetAdapters targets,
    AtomicFileDeployment deployer,
    TlsEndpointProbe probe,
    JobReporter reporter,
    TimeProvider time,
    ILogger<DeploymentJob> logger)
{
    /// <summary>How long the agent lets the service settle after the reload before it looks at the endpoint.</summary>
    public static readonly TimeSpan VerificationDelay = TimeSpan.FromSeconds(2);

    /// <summary>The TLS handshake's time limit.</summary>
    public static readonly TimeSpan VerificationTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _targetLocks = new(StringComparer.Ordinal);

    /// <summary>Runs the job; every failure ends as the job's <c>Failed</c> status with its reason.</summary>
    public async Task RunAsync(string agentId, WorkItem item, CancellationToken cancellationToken)
    {
        await reporter.ReportAsync(agentId, item.Id, JobWireNames.Running, null, cancellationToken);

        CertificateMaterial material;
        X509Certificate2 leaf;
        try
        {
            var pickup = await api.GetCertificateAsync(agentId, item.CertificateId, cancellationToken);
            var (leafPem, chainPem) = CertificateMaterial.Split(pickup.CertificatePem);
            leaf = X509Certificate2.CreateFromPem(leafPem);
            var key = keys.FindKeyFor(item.CertificateId, leaf)
                ?? throw new InvalidOperationException($"no key on this host matches the certificate ({keys.PathOf(item.CertificateId)})");
            material = new CertificateMaterial(leafPem, chainPem, key);
        }
        catch (Exception exception) when (exception is Refit.ApiExceptionBase or HttpRequestException or FormatException
                                              or System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException or IOException)
        {
            await reporter.ReportAsync(agentId, item.Id, JobWireNames.Failed, $"deployment failed: {exception.Message}", cancellationToken);
            return;
        }

        using (leaf)
        {
            var targetLock = _targetLocks.GetOrAdd(item.TargetId ?? item.Id, _ => new SemaphoreSlim(1, 1));
            await targetLock.WaitAsync(cancellationToken);
            try
            {
                await DeployAsync(agentId, item, material, TlsEndpointProbe.Fingerprint(leaf), cancellationToken);
            }
            finally
            {
                targetLock.Release();
            }
        }
    }

    // Held under the per-target lock through verification, so a second deployment cannot overtake the check of the first.
    private async Task DeployAsync(string agentId, WorkItem item, CertificateMaterial material, string fingerprint, CancellationToken cancellationToken)
    {
        var config = new TargetConfig(item.TargetConfig);
        DeploymentResult result;
        VerificationEndpoint? endpoint;
        try
        {
            var plan = targets.For(item.TargetType).Plan(config, material);
            endpoint = VerificationEndpoint.From(config);
            result = await deployer.DeployAsync(plan, cancellationToken);
        }
        catch (TargetConfigException exception)
        {
            await reporter.ReportAsync(agentId, item.Id, JobWireNames.Failed, $"deployment failed: {exception.Message}", cancellationToken);
            return;
        }

        if (!result.Succeeded)
        {
            await reporter.ReportAsync(agentId, item.Id, JobWireNames.Failed, $"deployment failed: {result.Error}", cancellationToken);
            return;
        }

        logger.LogInformation("Job {JobId}: {CertificateId} on target {TargetId}: {Outcome}", item.Id, item.CertificateId, item.TargetId, result.Outcome);
        if (endpoint is not null)
        {
            await VerifyAsync(agentId, item, endpoint, fingerprint, cancellationToken);
        }

        // Completed even when the endpoint check fails: the files are in place; the verification report tells the rest.
        await reporter.ReportAsync(agentId, item.Id, JobWireNames.Completed, null, cancellationToken);
    }

    private async Task VerifyAsync(string agentId, WorkItem item, VerificationEndpoint endpoint, string expected, CancellationToken cancellationToken)
    {
        await Task.Delay(VerificationDelay, time, cancellationToken);
        var served = await probe.ProbeAsync(endpoint.Host, endpoint.Port, VerificationTimeout, cancellationToken);
        var verified = served.Fingerprint == expected;
        var error = served.Error ?? (verified ? null : $"{endpoint.Host}:{endpoint.Port} serves {served.Fingerprint}, not the deployed {expected}");
        if (!verified)
        {
            logger.LogWarning("Job {JobId}: verification failed: {Error}", item.Id, error);
        }

        try
        {
            await api.ReportVerificationAsync(agentId, item.Id, new VerificationReport(item.TargetId, expected, served.Fingerprint, verified, error), cancellationToken);
        }
        catch (Exception exception) when (exception is Refit.ApiExceptionBase or HttpRequestException)
        {
            logger.LogWarning(exception, "Job {JobId}: could not report the verification", item.Id);
        }
    }
}
