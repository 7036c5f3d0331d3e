using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Certctl.Client;
using Certctl.Client.Models;
using Certctl.Testing;
using Xunit.Abstractions;

namespace Certctl.EndToEnd.Tests.Acme;

/// <summary>
/// The Debian <c>lego</c> client against the running suite, through the gateway as a client on the network sees it: register and
/// issue in trust_authenticated mode, renew, revoke (seen by the operator API and by OCSP), and issue through http-01 answered by
/// lego's own challenge server on a challenge profile the operator API created. Every chain verifies with openssl, and every
/// certificate lego receives is a managed certificate in the inventory.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class LegoSuiteTests(SuiteFixture suite, ITestOutputHelper output)
{
    /// <summary>The demo seed's trust_authenticated profile, which the AppHost makes the <c>/acme</c> shorthand's default.</summary>
    private const string DefaultProfile = "prof-standard-tls";

    private static readonly TimeSpan ProfileServedTimeout = TimeSpan.FromSeconds(30);

    private string GatewayAddress => $"http://127.0.0.1:{suite.GatewayPort}";

    private ICertctlApi Client => CertctlClient.Create(new Uri(GatewayAddress), suite.ApiKey);

    [Fact]
    public async Task Lego_registers_issues_renews_and_revokes_through_the_gateway_in_trust_mode()
    {
        await WaitForSuiteAsync();
        var domain = $"lego-{Guid.NewGuid():N}"[..17] + ".example.com";
        var email = $"{domain[..17]}@example.com";
        using var files = new ScratchFiles();
        // trust_authenticated never asks the solver, but lego refuses to order without one.
        string[] lego = ["--server", $"{GatewayAddress}/acme/directory", "--email", email, "--accept-tos", "--path", files.Folder,
            "--domains", domain, "--http", "--http.port", $"127.0.0.1:{FreePort.Next()}"];

        await LegoCli.RunAsync(output, [.. lego, "run"]);

        AssertRegisteredBehindTheGateway(files, email);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(suite.DatabaseConnectionString,
            "SELECT count(*) FROM acme_accounts WHERE profile_id = $1 AND $2 = ANY(contact)", DefaultProfile, $"mailto:{email}"));
        var first = await LegoCli.VerifiedCertificateAsync(files, domain);
        Assert.Equal([domain], LegoCli.DnsNames(first));
        var firstManaged = await ManagedCertificateAsync(DefaultProfile, first);
        Assert.Equal("Active", firstManaged.Status);
        var firstLeaf = files.Write("first.pem", first.ExportCertificatePem());

        await LegoCli.RunAsync(output, [.. lego, "renew", "--days", "10000", "--no-random-sleep"]);

        var renewed = await LegoCli.VerifiedCertificateAsync(files, domain);
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        Assert.Equal([domain], LegoCli.DnsNames(renewed));
        var renewedManaged = await ManagedCertificateAsync(DefaultProfile, renewed);
        Assert.Equal("Active", renewedManaged.Status);

        await LegoCli.RunAsync(output, [.. lego, "revoke"]);

        var revoked = await Client.GetCertificateAsync(renewedManaged.Id);
        Assert.Equal("Revoked", revoked.Status);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal("Active", (await Client.GetCertificateAsync(firstManaged.Id)).Status);
        Assert.Equal("revoked", await OcspStatusAsync(files, domain, files.PathOf($"certificates/{domain}.crt"), revoked.IssuerId));
        Assert.Equal("good", await OcspStatusAsync(files, domain, firstLeaf, revoked.IssuerId));
    }

    [Fact]
    public async Task Lego_proves_http01_with_its_own_challenge_server_on_a_challenge_profile_through_the_gateway()
    {
        await WaitForSuiteAsync();
        var profileId = $"prof-lego-{Guid.NewGuid():N}"[..20];
        var profile = await Client.CreateProfileAsync(new CertificateProfileRequest(
            $"lego http-01 {profileId}", AcmeAuthMode: "challenge", AcmeAllowPrivateAddresses: true, Id: profileId));
        Assert.Equal("challenge", profile.AcmeAuthMode);
        var directory = $"{GatewayAddress}/acme/profile/{profileId}/directory";
        await WaitUntilServedAsync(directory);
        using var files = new ScratchFiles();

        // lego answers on every address of the port the suite's validator connects to; localhost resolves to loopback,
        // which only a profile that allows private addresses may reach.
        await LegoCli.RunAsync(output, "--server", directory, "--email", "http01@example.com", "--accept-tos", "--path", files.Folder,
            "--domains", "localhost", "--http", "--http.port", $":{suite.Http01Port}", "run");

        var certificate = await LegoCli.VerifiedCertificateAsync(files, "localhost");
        Assert.Equal(["localhost"], LegoCli.DnsNames(certificate));
        Assert.Equal("Active", (await ManagedCertificateAsync(profileId, certificate)).Status);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(suite.DatabaseConnectionString, """
            SELECT count(*) FROM acme_challenges c
            JOIN acme_authorizations a ON a.id = c.authorization_id JOIN acme_orders o ON o.id = a.order_id
            WHERE o.profile_id = $1 AND a.identifier_value = 'localhost' AND c.type = 'http-01' AND c.status = 'valid'
            """, profileId));
    }

    private async Task WaitForSuiteAsync()
    {
        using var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var resource in new[] { "gateway", "acme", "ca-connector" })
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }
    }

    /// <summary>The ACME service learns of a new profile on its next profile-list reload (at most once a second).</summary>
    private async Task WaitUntilServedAsync(string directory)
    {
        using var timeout = new CancellationTokenSource(ProfileServedTimeout);
        while (true)
        {
            using var answer = await suite.Gateway.GetAsync(directory, timeout.Token);
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
        }
    }

    /// <summary>lego's stored account: valid, with the contact it gave, at a URL on the gateway's address (built from X-Forwarded-*).</summary>
    private void AssertRegisteredBehindTheGateway(ScratchFiles files, string email)
    {
        var account = Assert.Single(Directory.GetFiles(files.PathOf("accounts"), "account.json", SearchOption.AllDirectories));
        using var json = JsonDocument.Parse(File.ReadAllText(account));
        var registration = json.RootElement.GetProperty("registration");
        Assert.StartsWith($"{GatewayAddress}/acme/", registration.GetProperty("uri").GetString());
        var body = registration.GetProperty("body");
        Assert.Equal("valid", body.GetProperty("status").GetString());
        Assert.Equal([$"mailto:{email}"], body.GetProperty("contact").EnumerateArray().Select(contact => contact.GetString()));
    }

    /// <summary>The inventory's managed certificate (ACME-sourced, on <paramref name="profileId"/>) one of whose versions is <paramref name="leaf"/>.</summary>
    private async Task<Certificate> ManagedCertificateAsync(string profileId, X509Certificate2 leaf)
    {
        var serial = Convert.ToHexStringLower(leaf.SerialNumberBytes.Span).TrimStart('0');
        var domain = LegoCli.DnsNames(leaf)[0];
        var page = await Client.ListCertificatesAsync(new CertificateListQuery { ProfileId = profileId, NamePrefix = "acme-", Limit = 100 });
        foreach (var certificate in page.Data.Where(certificate => certificate.Sans.Contains(domain)))
        {
            var versions = await Client.ListCertificateVersionsAsync(certificate.Id);
            if (versions.Data.Any(version => version.SerialNumber.TrimStart('0').Equals(serial, StringComparison.OrdinalIgnoreCase)))
            {
                Assert.Equal("ACME", certificate.Source);
                Assert.Equal(domain, certificate.CommonName);
                return certificate;
            }
        }

        Assert.Fail($"No managed certificate on {profileId} has a version with serial {serial}.");
        return null!;
    }

    /// <summary>What the suite's OCSP responder, through the gateway, says of <paramref name="leafFile"/>, checked against the root by openssl.</summary>
    private async Task<string> OcspStatusAsync(ScratchFiles files, string domain, string leafFile, string issuerId)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(files.PathOf($"certificates/{domain}.issuer.crt"));
        var issuer = files.Write($"{domain}.direct-issuer.pem", chain[0].ExportCertificatePem());
        var answer = await OpenSslCli.RunCheckedAsync("ocsp", "-issuer", issuer, "-cert", leafFile, "-CAfile", files.PathOf($"{domain}.root.pem"),
            "-url", $"{GatewayAddress}/.well-known/pki/ocsp/{issuerId}");
        Assert.Contains("Response verify OK", answer);
        var line = answer.Split('\n').Single(text => text.StartsWith(leafFile + ":", StringComparison.Ordinal));
        return line[(leafFile.Length + 1)..].Trim();
    }
}
