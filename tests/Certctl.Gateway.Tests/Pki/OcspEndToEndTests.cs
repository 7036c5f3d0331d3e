using System.Net;
using System.Net.Http.Json;
using Certctl.Contracts;
using Certctl.Gateway.Bulk;
using Certctl.Domain;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Pki;
using Certctl.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.Gateway.Tests.Pki;

/// <summary>
/// The gateway in front of the real CA connector on a real Postgres and RabbitMQ, driven by the real <c>openssl ocsp</c> client: a leaf
/// is good, the operator revokes it, and from then on OCSP says revoked with its reason and the CRL lists it, every answer verifying
/// against the CA certificate.
/// </summary>
public sealed class OcspEndToEndTests(
    MigratedDatabaseFixture<OcspEndToEndTests> database,
    RabbitMqVirtualHostFixture<OcspEndToEndTests> broker,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<OcspEndToEndTests>>, IClassFixture<RabbitMqVirtualHostFixture<OcspEndToEndTests>>
{
    [Fact]
    public async Task A_leaf_is_good_until_it_is_revoked_then_OCSP_and_the_CRL_say_revoked_with_the_reason()
    {
        await using var connector = await ConnectorProcess.StartAsync(database.ConnectionString, broker.AmqpUri, output);
        await using var gateway = await GatewayHost.StartAsync(database.ConnectionString, output, api => api.MapCertificateEndpoints(),
            new Dictionary<string, string?> { [$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = broker.AmqpUri.ToString() });
        await ConnectorProcess.WaitForBusAsync(gateway.Services);
        var (certificateId, serial, leafPem) = await IssueAsync(connector);
        using var files = new ScratchFiles();
        var ca = files.Write("ca.pem", (await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT certificate_pem FROM issuer_ca_keys WHERE issuer_id = 'iss-local'"))!);
        var leaf = files.Write("leaf.pem", leafPem);
        var url = new Uri(gateway.Address, "/.well-known/pki/ocsp/iss-local").ToString();

        // openssl sends a nonce and checks the echo; -no_nonce asks twice the way caching clients do, the second from the gateway's cache.
        Assert.Contains($"{leaf}: good", await OcspAsync(ca, leaf, url), StringComparison.Ordinal);
        Assert.Contains($"{leaf}: good", await OcspAsync(ca, leaf, url, "-no_nonce"), StringComparison.Ordinal);
        Assert.Contains($"{leaf}: good", await OcspAsync(ca, leaf, url, "-no_nonce"), StringComparison.Ordinal);
        await OpenSslCli.RunCheckedAsync("ocsp", "-issuer", ca, "-cert", leaf, "-no_nonce", "-reqout", files.PathOf("req.der"));
        var cacheKey = OcspAnswerCache.KeyFor("iss-local", File.ReadAllBytes(files.PathOf("req.der")));
        Assert.True(gateway.Services.GetRequiredService<OcspAnswerCache>().TryGet(cacheKey, out var cached) && cached!.GoodSerials.Contains(serial));

        using var client = gateway.Client(GatewayHost.BobKey);
        using (var revoke = await client.PostAsJsonAsync($"/api/v1/certificates/{certificateId}/revoke", new { reason = "keyCompromise" }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        // At once, before the connector has even heard of it: the cached "good" is re-checked against the revocation row.
        var cachedAfterRevoke = await OcspAsync(ca, leaf, url, "-no_nonce");
        Assert.Contains($"{leaf}: revoked", cachedAfterRevoke, StringComparison.Ordinal);
        var revoked = await OcspAsync(ca, leaf, url);
        Assert.Contains($"{leaf}: revoked", revoked, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", revoked, StringComparison.Ordinal);

        // The GET form (RFC 6960 A.1): the base64 request, URL-encoded, as the rest of the path.
        using (var get = await client.GetAsync($"/.well-known/pki/ocsp/iss-local/{Uri.EscapeDataString(Convert.ToBase64String(File.ReadAllBytes(files.PathOf("req.der"))))}"))
        {
            Assert.Equal(OcspEndpoints.ResponseType, get.Content.Headers.ContentType?.MediaType);
            var response = files.Write("get.der", await get.Content.ReadAsByteArrayAsync());
            var text = await OpenSslCli.RunCheckedAsync("ocsp", "-respin", response, "-issuer", ca, "-cert", leaf, "-CAfile", ca, "-no_nonce");
            Assert.Contains($"{leaf}: revoked", text, StringComparison.Ordinal);
            Assert.Contains("Response verify OK", text, StringComparison.Ordinal);
        }

        // The connector got RevokeCertificate from the gateway: issuer notified, CRL regenerated with the serial.
        await WaitUntilAsync(() => Sql.ScalarAsync<bool>(database.ConnectionString,
            "SELECT issuer_notified FROM certificate_revocations WHERE issuer_id = 'iss-local' AND serial_number = $1", serial));
        using var crl = await client.GetAsync("/.well-known/pki/crl/iss-local");
        Assert.Equal(HttpStatusCode.OK, crl.StatusCode);
        var crlFile = files.Write("crl.der", await crl.Content.ReadAsByteArrayAsync());
        Assert.Contains("verify OK", await OpenSslCli.RunCheckedAsync("crl", "-inform", "DER", "-in", crlFile, "-CAfile", ca, "-noout"), StringComparison.Ordinal);
        var crlText = await OpenSslCli.RunCheckedAsync("crl", "-inform", "DER", "-in", crlFile, "-noout", "-text");
        Assert.Contains($"Serial Number: {serial.ToUpperInvariant().PadLeft(serial.Length + (serial.Length % 2), '0')}", crlText, StringComparison.Ordinal);
        Assert.Contains("Key Compromise", crlText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bulk_revoke_reaches_the_connector_for_every_serial_and_the_next_CRL_lists_them_all()
    {
        await using var connector = await ConnectorProcess.StartAsync(database.ConnectionString, broker.AmqpUri, output);
        await using var gateway = await GatewayHost.StartAsync(database.ConnectionString, output, api =>
            {
                api.MapCertificateEndpoints();
                api.MapFleetEndpoints(); // after the certificate endpoints, as in Program.cs
            },
            new Dictionary<string, string?> { [$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = broker.AmqpUri.ToString() });
        await ConnectorProcess.WaitForBusAsync(gateway.Services);
        var issued = new[] { await IssueAsync(connector), await IssueAsync(connector) };

        using var client = gateway.Client(GatewayHost.AliceKey);
        using (var revoke = await client.PostAsJsonAsync("/api/v1/certificates/bulk-revoke",
            new { reason = "superseded", certificate_ids = issued.Select(certificate => certificate.CertificateId).ToArray() }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await WaitUntilAsync(async () => await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM certificate_revocations WHERE issuer_id = 'iss-local' AND issuer_notified AND serial_number = ANY ($1)",
            (object)issued.Select(certificate => certificate.Serial).ToArray()) == 2);
        // The connector regenerates the CRL after it was told of the revocations: until then the gateway may serve no CRL, or an
        // older one, so the check is repeated until the served CRL (read by the real openssl) lists both serials.
        using var files = new ScratchFiles();
        var expected = issued.Select(certificate =>
            $"Serial Number: {certificate.Serial.ToUpperInvariant().PadLeft(certificate.Serial.Length + (certificate.Serial.Length % 2), '0')}").ToArray();
        var crlText = "";
        await WaitUntilAsync(async () =>
        {
            using var crl = await client.GetAsync("/.well-known/pki/crl/iss-local");
            if (crl.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            var (exitCode, output) = await OpenSslCli.RunAsync(
                "crl", "-inform", "DER", "-in", files.Write("crl.der", await crl.Content.ReadAsByteArrayAsync()), "-noout", "-text");
            crlText = output;
            return exitCode == 0 && expected.All(serial => output.Contains(serial, StringComparison.Ordinal));
        });
        Assert.All(expected, serial => Assert.Contains(serial, crlText, StringComparison.Ordinal));
    }

    /// <summary><c>openssl ocsp</c> against the gateway; the answer must verify against the CA (delegated responder, nonce echoed when sent).</summary>
    private static async Task<string> OcspAsync(string ca, string leaf, string url, params string[] more)
    {
        var output = await OpenSslCli.RunCheckedAsync(["ocsp", "-issuer", ca, "-cert", leaf, "-url", url, "-CAfile", ca, .. more]);
        Assert.Contains("Response verify OK", output, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", output, StringComparison.Ordinal);
        return output;
    }

    private async Task<(string CertificateId, string Serial, string LeafPem)> IssueAsync(ConnectorProcess connector)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (certificateId, jobId) = ($"mc-ocsp-{suffix}", $"job-ocsp-{suffix}");
        await Sql.ExecuteAsync(database.ConnectionString,
            "INSERT INTO managed_certificates (id, name, common_name, issuer_id, keygen_mode, status) VALUES ($1, $1, $1 || '.example.com', 'iss-local', 'server', 'Pending')",
            certificateId);
        await Sql.ExecuteAsync(database.ConnectionString,
            "INSERT INTO jobs (id, type, certificate_id, status, lease_expires_at) VALUES ($1, 'Issuance', $2, 'Running', now() + interval '5 minutes')",
            jobId, certificateId);
        await connector.Services.GetRequiredService<IBus>().Publish(
            new IssueCertificate(jobId, certificateId, "iss-local", KeygenMode.Server, null, 1, DateTimeOffset.UtcNow));
        await WaitUntilAsync(async () => await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT status FROM jobs WHERE id = $1", jobId) == "Completed");
        var row = (await Sql.RowsAsync(database.ConnectionString, "SELECT serial_number, pem_chain FROM certificate_versions WHERE job_id = $1", jobId)).Single();
        var chain = (string)row["pem_chain"]!;
        const string End = "-----END CERTIFICATE-----";
        return (certificateId, (string)row["serial_number"]!, chain[..(chain.IndexOf(End, StringComparison.Ordinal) + End.Length)] + "\n");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(100);
        }
    }
}
