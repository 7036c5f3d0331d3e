using Certctl.Contracts;
using Certctl.Domain;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.CaConnector.Tests;

/// <summary>Issues a leaf through the connector and records revocations the way the gateway does, for the revocation tests.</summary>
public sealed class RevocationRows(ConnectorHost host, IssuanceRows rows)
{
    /// <summary>A server-key certificate on <c>iss-local</c>, issued by the connector: its id, serial and leaf PEM.</summary>
    public async Task<(string CertificateId, string Serial, string LeafPem)> IssueAsync()
    {
        var (certificateId, jobId) = await rows.InsertRunningJobAsync("server");
        await host.Services.GetRequiredService<IBus>().Publish(
            new IssueCertificate(jobId, certificateId, "iss-local", KeygenMode.Server, null, 1, DateTimeOffset.UtcNow));
        var issued = Assert.Single(await host.Events.WaitForAsync<CertificateIssued>(e => e.JobId == jobId));
        var chain = await rows.ScalarAsync<string>("SELECT pem_chain FROM certificate_versions WHERE id = @id", ("id", issued.VersionId));
        var end = chain.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length;
        return (certificateId, issued.SerialNumber, chain[..end] + "\n");
    }

    /// <summary>The <c>certificate_revocations</c> row the gateway's revoke transaction writes.</summary>
    public Task RecordAsync(string certificateId, string issuerId, string serial, RevocationReason reason) =>
        rows.ExecuteAsync("""
            INSERT INTO certificate_revocations (id, certificate_id, serial_number, issuer_id, reason, revoked_by)
            VALUES ('cr-' || md5(@issuer_id || @serial), @certificate_id, @serial, @issuer_id, @reason, 'alice')
            """, ("certificate_id", certificateId), ("issuer_id", issuerId), ("serial", serial), ("reason", reason.ToWire()));

    /// <summary>The local CA root's certificate as stored.</summary>
    public Task<string> CaPemAsync() => rows.ScalarAsync<string>("SELECT certificate_pem FROM issuer_ca_keys WHERE issuer_id = 'iss-local'");

    public Task PublishRevokeAsync(string certificateId, string issuerId, string serial, RevocationReason reason) =>
        host.Services.GetRequiredService<IBus>().Publish(new RevokeCertificate(certificateId, issuerId, serial, reason, "alice", DateTimeOffset.UtcNow));
}

/// <summary>Records <see cref="CertificateRevoked"/> into <see cref="PublishedEvents"/>.</summary>
public sealed class RevocationOutcomeRecorder(PublishedEvents events) : IConsumer<CertificateRevoked>
{
    public Task Consume(ConsumeContext<CertificateRevoked> context)
    {
        events.Add(context.Message);
        return Task.CompletedTask;
    }
}
