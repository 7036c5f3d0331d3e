using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Certctl.Acme.Http;
using Certctl.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Acme.Tests.RenewalInfo;

/// <summary>GET and HEAD renewal-info on a real host and database, with certificates of every kind the inventory holds.</summary>
public sealed class RenewalInfoEndpointTests(MigratedDatabaseFixture<RenewalInfoEndpointTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<RenewalInfoEndpointTests>>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private AcmeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await StartHostAsync();
        _client = _host.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_certificate_with_a_days_policy_gets_the_policy_window_with_retry_after_on_both_url_families()
    {
        // rp-urgent renews 14 days before expiry: the window runs from then for half of it.
        var certId = await SeedAsync(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 30, 0, 0, 0, TimeSpan.Zero), "rp-urgent");

        foreach (var path in new[] { $"acme/renewal-info/{certId}", $"acme/profile/prof-standard-tls/renewal-info/{certId}" })
        {
            using var response = await _client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromHours(6), response.Headers.RetryAfter?.Delta);
            Assert.True(response.Headers.CacheControl?.NoStore);
            Assert.True(response.Headers.Contains(AcmeResponseWriter.ReplayNonceHeader));
            var window = await WindowAsync(response);
            Assert.Equal(("2026-12-16T00:00:00Z", "2026-12-23T00:00:00Z"), window);
        }
    }

    [Fact]
    public async Task A_certificate_without_a_policy_gets_the_last_third_of_its_validity()
    {
        var certId = await SeedAsync(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 30, 0, 0, 0, TimeSpan.Zero), policy: null);

        using var response = await _client.GetAsync($"acme/renewal-info/{certId}");

        Assert.Equal(("2026-12-31T00:00:00Z", "2027-01-20T00:00:00Z"), await WindowAsync(response));
    }

    [Fact]
    public async Task A_fraction_policy_opens_the_window_once_that_share_of_the_lifetime_has_elapsed()
    {
        await Sql.ExecuteAsync(database.ConnectionString,
            "INSERT INTO renewal_policies (id, name, renewal_window_days, renewal_window_fraction) VALUES ('rp-fraction', 'Fraction', 30, 0.75) ON CONFLICT DO NOTHING");
        var certId = await SeedAsync(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "rp-fraction");

        using var response = await _client.GetAsync($"acme/renewal-info/{certId}");

        // 30 days: 22.5 days in, then half of the remaining 7.5 days.
        Assert.Equal(("2026-11-23T12:00:00Z", "2026-11-27T06:00:00Z"), await WindowAsync(response));
    }

    [Fact]
    public async Task A_revoked_certificate_gets_a_window_that_has_begun()
    {
        var certId = await SeedAsync(Now.AddDays(-10), Now.AddDays(80), "rp-default", revokedAt: Now.AddHours(-3));

        using var response = await _client.GetAsync($"acme/renewal-info/{certId}");

        var (start, _) = await WindowAsync(response);
        Assert.True(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture) <= Now);
    }

    [Fact]
    public async Task Head_answers_the_headers_without_a_body()
    {
        var certId = await SeedAsync(Now.AddDays(-10), Now.AddDays(80), "rp-default");

        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"acme/renewal-info/{certId}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TimeSpan.FromHours(6), response.Headers.RetryAfter?.Delta);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("acme/renewal-info/not-a-cert-id")]
    [InlineData("acme/renewal-info/aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE=")]
    [InlineData("acme/renewal-info/aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdl/QyE")]
    [InlineData("acme/renewal-info/")]
    [InlineData("acme/profile/prof-standard-tls/renewal-info/a.b.c")]
    public async Task A_malformed_cert_id_is_a_400_malformed_problem(string path)
    {
        using var response = await _client.GetAsync(path);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:ietf:params:acme:error:malformed");
    }

    [Fact]
    public async Task An_unknown_certificate_is_a_404_malformed_problem()
    {
        using var response = await _client.GetAsync("acme/renewal-info/aaaa.bbbb");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "urn:ietf:params:acme:error:malformed");
    }

    [Fact]
    public async Task A_certificate_id_whose_aki_differs_from_the_stored_one_is_unknown()
    {
        var certId = await SeedAsync(Now.AddDays(-10), Now.AddDays(80), "rp-default");
        var otherAki = AriCertificateId.From(RandomNumberGenerator.GetBytes(20), Convert.FromBase64String(ToBase64(certId.Split('.')[1])));

        using var response = await _client.GetAsync($"acme/renewal-info/{otherAki}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "urn:ietf:params:acme:error:malformed");
    }

    [Fact]
    public async Task An_unknown_profile_is_a_404_user_action_required_problem()
    {
        var certId = await SeedAsync(Now.AddDays(-10), Now.AddDays(80), "rp-default");

        using var response = await _client.GetAsync($"acme/profile/prof-nope/renewal-info/{certId}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "urn:ietf:params:acme:error:userActionRequired");
    }

    [Fact]
    public async Task Switched_off_it_answers_404()
    {
        var certId = await SeedAsync(Now.AddDays(-10), Now.AddDays(80), "rp-default");
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_ARI_ENABLED"] = "false" });
        using var client = host.Client();

        using var response = await client.GetAsync($"acme/renewal-info/{certId}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "urn:ietf:params:acme:error:malformed");
    }

    private Task<AcmeHost> StartHostAsync(IDictionary<string, string?>? settings = null) =>
        AcmeHost.StartAsync(database.ConnectionString, output, settings, services => services.AddSingleton<TimeProvider>(_time));

    /// <summary>Stores a real certificate (AKI and serial from its DER) as a version, and returns its ARI cert id.</summary>
    private async Task<string> SeedAsync(DateTimeOffset notBefore, DateTimeOffset notAfter, string? policy, DateTimeOffset? revokedAt = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ari.example.test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(RandomNumberGenerator.GetBytes(20)));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] |= 0x80; // a serial whose DER form needs the leading zero octet
        using var certificate = request.Create(new X500DistinguishedName("CN=Test CA"), X509SignatureGenerator.CreateForECDsa(key), notBefore, notAfter, serial);
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray();

        var id = Guid.NewGuid().ToString("N");
        await Sql.ExecuteAsync(database.ConnectionString, """
            INSERT INTO managed_certificates (id, name, common_name, issuer_id, renewal_policy_id, status, expires_at, revoked_at)
            VALUES ($1, $1, 'ari.example.test', 'iss-local', $2, $3, $4, $5)
            """, "mc-" + id, policy, revokedAt is null ? "Active" : "Revoked", certificate.NotAfter.ToUniversalTime(), revokedAt);
        await Sql.ExecuteAsync(database.ConnectionString, """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, authority_key_identifier)
            VALUES ($1, $2, 'iss-local', $3, $4, $5, $6, $7, $8)
            """, "cv-" + id, "mc-" + id, AriCertificateId.SerialNumberHex(certificate.SerialNumberBytes.Span), notBefore, notAfter,
            certificate.GetCertHashString(HashAlgorithmName.SHA256), certificate.ExportCertificatePem(), Convert.ToHexStringLower(aki));
        return AriCertificateId.Of(certificate)!;
    }

    private static async Task<(string Start, string End)> WindowAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var window = document.RootElement.GetProperty("suggestedWindow");
        return (window.GetProperty("start").GetString()!, window.GetProperty("end").GetString()!);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains(AcmeResponseWriter.ReplayNonceHeader));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(type, document.RootElement.GetProperty("type").GetString());
        Assert.Equal((int)status, document.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("detail").GetString()));
    }

    private static string ToBase64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - (text.Length % 4)) % 4);
    }
}
