using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.Acme.Tests.Orders;

/// <summary>The order endpoints over HTTP with real JWS: status codes, problem documents and the headers RFC 8555 asks for.</summary>
public sealed class OrderEndpointTests(MigratedDatabaseFixture<OrderEndpointTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<OrderEndpointTests>>
{
    [Fact]
    public async Task An_order_goes_from_new_order_to_a_downloaded_chain_with_the_headers_of_each_step()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);

        using var created = await client.PostAsync(await client.Url("newOrder"), key, new { identifiers = new[] { new { type = "dns", value = "http.example.com" } } }, kid);
        var order = await AcmeAssert.JsonAsync(created, HttpStatusCode.Created);
        AcmeAssert.LinksIndex(created, host.Directory().ToString());
        var orderUrl = created.Headers.Location!.ToString();
        Assert.Equal("ready", order.GetProperty("status").GetString());
        Assert.StartsWith(orderUrl, order.GetProperty("finalize").GetString());

        using (var authz = await client.PostAsync(order.GetProperty("authorizations")[0].GetString()!, key, null, kid))
        {
            var body = await AcmeAssert.JsonAsync(authz, HttpStatusCode.OK);
            Assert.Equal(("valid", "http.example.com"), (body.GetProperty("status").GetString(), body.GetProperty("identifier").GetProperty("value").GetString()));
        }

        var finalizeUrl = order.GetProperty("finalize").GetString()!;
        using (var garbage = await client.PostAsync(finalizeUrl, key, new { csr = "AAAA" }, kid))
        {
            await AcmeAssert.ProblemAsync(garbage, HttpStatusCode.BadRequest, "badCSR");
        }

        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // Nothing issues here, so finalize answers "processing" once its wait (CERTCTL_ACME_SERVER_FINALIZE_WAIT_MS) has passed.
        using (var finalized = await client.PostAsync(finalizeUrl, key, new { csr = FinalizeCsrTests.Csr(certificateKey, "CN=http.example.com", []) }, kid))
        {
            var body = await AcmeAssert.JsonAsync(finalized, HttpStatusCode.OK);
            Assert.Equal("processing", body.GetProperty("status").GetString());
            Assert.Equal("1", finalized.Headers.GetValues("Retry-After").Single());
            Assert.Equal(orderUrl, finalized.Headers.Location!.ToString());
        }

        // What the CA connector does, by hand: a certificate for the CSR's key, stored as the job's version, then the event.
        var (jobId, certificateId) = await JobAsync(orderUrl);
        using var issued = IssuedByHand.Certificate(certificateKey, "http.example.com");
        var versionId = await IssuedByHand.StoreVersionAsync(database.ConnectionString, certificateId, jobId, issued);
        await host.Services.GetRequiredService<IBus>().Publish(
            new CertificateIssued(jobId, certificateId, versionId, "1", issued.NotBefore, issued.NotAfter, DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'valid' FROM acme_orders WHERE certificate_id = $1", certificateId);

        using var polled = await client.PostAsync(orderUrl, key, null, kid);
        var valid = await AcmeAssert.JsonAsync(polled, HttpStatusCode.OK);
        Assert.False(polled.Headers.Contains("Retry-After"));
        var certificateUrl = valid.GetProperty("certificate").GetString()!;
        using (var download = await client.PostAsync(certificateUrl, key, null, kid))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("application/pem-certificate-chain", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal(issued.ExportCertificatePem() + "\n", await download.Content.ReadAsStringAsync());
        }

        var other = TestKey.Create("ES256");
        var otherKid = await client.NewAccountAsync(other);
        using (var stolen = await client.PostAsync(certificateUrl, other, null, otherKid))
        {
            await AcmeAssert.ProblemAsync(stolen, HttpStatusCode.Forbidden, "unauthorized");
        }

        using (var notTheirs = await client.PostAsync(orderUrl, other, null, otherKid))
        {
            await AcmeAssert.ProblemAsync(notTheirs, HttpStatusCode.Forbidden, "unauthorized");
        }
    }

    [Fact]
    public async Task Revoke_cert_by_the_certificate_key_and_by_the_account_with_its_refusals()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);
        var revokeUrl = await client.Url("revokeCert");
        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var first = await IssueAsync(client, host, key, kid, certificateKey, "rev1.example.com");
        using var second = await IssueAsync(client, host, key, kid, certificateKey, "rev2.example.com");
        object Revoke(X509Certificate2 certificate, int? reason = null) =>
            reason is null ? new { certificate = Base64Url.EncodeToString(certificate.RawData) } : new { certificate = Base64Url.EncodeToString(certificate.RawData), reason };

        using (var badReason = await client.PostAsync(revokeUrl, key, Revoke(first, 7), kid))
        {
            await AcmeAssert.ProblemAsync(badReason, HttpStatusCode.BadRequest, "badRevocationReason");
        }

        var stranger = TestKey.Create("ES256");
        using (var notOwner = await client.PostAsync(revokeUrl, stranger, Revoke(first), await client.NewAccountAsync(stranger)))
        {
            await AcmeAssert.ProblemAsync(notOwner, HttpStatusCode.Forbidden, "unauthorized");
        }

        using (var foreignKey = await client.PostAsync(revokeUrl, TestKey.Create("ES256"), Revoke(first)))
        {
            await AcmeAssert.ProblemAsync(foreignKey, HttpStatusCode.Forbidden, "unauthorized");
        }

        using (var byKey = await client.PostAsync(revokeUrl, TestKey.Es256(certificateKey), Revoke(first, 1)))
        {
            Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
            AcmeAssert.HasNonce(byKey);
        }

        using (var again = await client.PostAsync(revokeUrl, key, Revoke(first), kid))
        {
            await AcmeAssert.ProblemAsync(again, HttpStatusCode.BadRequest, "alreadyRevoked");
        }

        using (var byAccount = await client.PostAsync(revokeUrl, key, Revoke(second, 4), kid))
        {
            Assert.Equal(HttpStatusCode.OK, byAccount.StatusCode);
        }

        var rows = await Sql.RowsAsync(database.ConnectionString,
            "SELECT reason, revoked_by FROM certificate_revocations WHERE serial_number = ANY($1) ORDER BY reason",
            (object)new[] { first.SerialNumber.ToLowerInvariant().TrimStart('0'), second.SerialNumber.ToLowerInvariant().TrimStart('0') });
        Assert.Equal([("keyCompromise", "acme-cert-key:"), ("superseded", "acme:")],
            rows.Select(r => ((string)r["reason"]!, Actor((string)r["revoked_by"]!))));
    }

    [Fact]
    public async Task A_rate_limited_new_order_is_429_with_retry_after()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output, new Dictionary<string, string?>
        {
            ["CERTCTL_ACME_SERVER_RATE_LIMIT_ORDERS_PER_HOUR"] = "1",
            ["CERTCTL_ACME_SERVER_RATE_LIMIT_ORDERS_BURST"] = "1",
        });
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);
        var payload = new { identifiers = new[] { new { type = "dns", value = "limited.example.com" } } };

        using (var allowed = await client.PostAsync(await client.Url("newOrder"), key, payload, kid))
        {
            Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        }

        using var limited = await client.PostAsync(await client.Url("newOrder"), key, payload, kid);
        await AcmeAssert.ProblemAsync(limited, (HttpStatusCode)429, "rateLimited");
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
    }

    private Task<(string JobId, string CertificateId)> JobAsync(string orderUrl) =>
        IssuedByHand.JobOfAsync(database.ConnectionString, orderUrl[(orderUrl.LastIndexOf('/') + 1)..]);

    private static string Actor(string revokedBy) => revokedBy[..(revokedBy.IndexOf(':') + 1)];

    private async Task<X509Certificate2> IssueAsync(AcmeTestClient client, AcmeHost host, TestKey key, string kid, ECDsa certificateKey, string name)
    {
        using var created = await client.PostAsync(await client.Url("newOrder"), key, new { identifiers = new[] { new { type = "dns", value = name } } }, kid);
        var order = await AcmeAssert.JsonAsync(created, HttpStatusCode.Created);
        using (var finalized = await client.PostAsync(order.GetProperty("finalize").GetString()!, key,
            new { csr = FinalizeCsrTests.Csr(certificateKey, "CN=" + name, []) }, kid))
        {
            Assert.Equal(HttpStatusCode.OK, finalized.StatusCode);
        }

        var (jobId, certificateId) = await JobAsync(created.Headers.Location!.ToString());
        var issued = IssuedByHand.Certificate(certificateKey, name);
        var versionId = await IssuedByHand.StoreVersionAsync(database.ConnectionString, certificateId, jobId, issued);
        await host.Services.GetRequiredService<IBus>().Publish(
            new CertificateIssued(jobId, certificateId, versionId, "1", issued.NotBefore, issued.NotAfter, DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'valid' FROM acme_orders WHERE certificate_id = $1", certificateId);
        return issued;
    }
}
