using System.Net;
using System.Net.Http.Headers;
using Certctl.Gateway.Pki;

namespace Certctl.Gateway.Tests.Pki;

/// <summary>The CRL and OCSP endpoints' HTTP contract, on a real Postgres with no CA connector behind them.</summary>
public sealed class PkiEndpointTests(MigratedDatabaseFixture<PkiEndpointTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<PkiEndpointTests>>
{
    private static readonly byte[] MalformedRequest = [0x30, 0x03, 0x0A, 0x01, 0x01];

    [Fact]
    public async Task The_CRL_of_an_unknown_issuer_or_of_one_that_is_not_a_local_CA_is_a_404_problem()
    {
        await using var host = await GatewayHost.StartAsync(database.ConnectionString, output);
        using var client = host.Client();

        Assert.Contains("iss-nope", (await ProblemJson.ReadAsync(await client.GetAsync("/.well-known/pki/crl/iss-nope"), HttpStatusCode.NotFound)).Detail);
        Assert.Contains("ACME", (await ProblemJson.ReadAsync(await client.GetAsync("/.well-known/pki/crl/iss-acme-le"), HttpStatusCode.NotFound)).Detail);
    }

    [Fact]
    public async Task A_local_CA_without_a_CRL_yet_gets_503_with_Retry_After_and_a_stored_one_is_served_with_a_strong_ETag_and_304s()
    {
        await using var host = await GatewayHost.StartAsync(database.ConnectionString, output);
        using var client = host.Client();
        var issuerId = $"iss-crl-{Guid.NewGuid():N}"[..20];
        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO issuers (id, name, type) VALUES ($1, $1, 'GenericCA')", issuerId);

        using (var missing = await client.GetAsync($"/.well-known/pki/crl/{issuerId}"))
        {
            await ProblemJson.ReadAsync(missing, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(CrlEndpoint.RetryAfterSeconds), missing.Headers.RetryAfter?.Delta);
        }

        byte[] der = [0x30, 0x03, 0x02, 0x01, 0x07];
        await Sql.ExecuteAsync(database.ConnectionString,
            "INSERT INTO crl_cache (issuer_id, crl_der, crl_number, this_update, next_update, etag) VALUES ($1, $2, 1, now(), now() + interval '7 days', '\"abc\"')",
            issuerId, der);

        using var ok = await client.GetAsync($"/.well-known/pki/crl/{issuerId}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(CrlEndpoint.ContentType, ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal(der, await ok.Content.ReadAsByteArrayAsync());
        Assert.Equal(new EntityTagHeaderValue("\"abc\"", isWeak: false), ok.Headers.ETag);
        Assert.Equal(TimeSpan.FromHours(1), ok.Headers.CacheControl?.MaxAge);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/.well-known/pki/crl/{issuerId}") { Headers = { { "If-None-Match", "\"abc\"" } } };
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("\"abc\"", notModified.Headers.ETag?.Tag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task OCSP_requests_that_cannot_be_read_get_the_malformedRequest_status_and_a_wrong_media_type_a_415_problem()
    {
        await using var host = await GatewayHost.StartAsync(database.ConnectionString, output);
        using var client = host.Client();

        using (var json = await client.PostAsync("/.well-known/pki/ocsp/iss-local", new StringContent("{}", MediaTypeHeaderValue.Parse("application/json"))))
        {
            await ProblemJson.ReadAsync(json, HttpStatusCode.UnsupportedMediaType);
        }

        await AssertMalformedAsync(await client.PostAsync("/.well-known/pki/ocsp/iss-local", Ocsp([])));
        await AssertMalformedAsync(await client.PostAsync("/.well-known/pki/ocsp/iss-local", Ocsp(new byte[OcspEndpoints.MaxRequestLength + 1])));
        await AssertMalformedAsync(await client.GetAsync("/.well-known/pki/ocsp/iss-local/not%20base64!"));
    }

    [Fact]
    public async Task The_PKI_endpoints_are_in_the_OpenAPI_document_without_a_key_requirement()
    {
        await using var host = await GatewayHost.StartAsync(database.ConnectionString, output);
        var paths = (await host.OpenApiDocumentAsync()).GetProperty("paths");

        var crl = paths.GetProperty("/.well-known/pki/crl/{issuer_id}").GetProperty("get");
        Assert.True(crl.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty(CrlEndpoint.ContentType, out _));
        Assert.False(crl.TryGetProperty("security", out _));
        Assert.True(paths.GetProperty("/.well-known/pki/ocsp/{issuer_id}").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/.well-known/pki/ocsp/{issuer_id}/{request}").TryGetProperty("get", out _));
    }

    private static ByteArrayContent Ocsp(byte[] body) => new(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(OcspEndpoints.RequestType) } };

    private static async Task AssertMalformedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(OcspEndpoints.ResponseType, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(MalformedRequest, await response.Content.ReadAsByteArrayAsync());
        }
    }
}
