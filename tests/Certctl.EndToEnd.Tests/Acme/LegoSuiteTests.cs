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
        // revoke moves lego's files to certificates/archives: keep what OCSP needs where the test can name it.
        var renewedLeaf = files.Write("renewed.pem", renewed.ExportCertificatePem());
        var ocsp = OcspQuery.For(files, domain, renewedManaged.IssuerId, GatewayAddress);

        await LegoCli.RunAsync(output, [.. lego, "revoke"]);

        var revoked = await Client.GetCertificateAsync(renewedManaged.Id);
        Assert.Equal("Revoked", revoked.Status);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal("Active", (await Client.GetCertificateAsync(firstManaged.Id)).Status);
        Assert.Equal("revoked", await ocsp.StatusAsync(renewedLeaf));
        Assert.Equal("good", await ocsp.StatusAsync(firstLeaf));
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

    /// <summary>The suite's OCSP responder through the gateway, asked by openssl, which checks the answer against the root.</summary>
    private sealed record OcspQuery(string IssuerFile, string RootFile, string Url)
    {
        /// <summary>The issuer and root lego received for <paramref name="domain"/> (as <see cref="LegoCli.VerifiedCertificateAsync"/> left them).</summary>
        public static OcspQuery For(ScratchFiles files, string domain, string issuerId, string gatewayAddress)
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(files.PathOf($"certificates/{domain}.issuer.crt"));
            return new(files.Write($"{domain}.direct-issuer.pem", chain[0].ExportCertificatePem()), files.PathOf($"{domain}.root.pem"),
                $"{gatewayAddress}/.well-known/pki/ocsp/{issuerId}");
        }

        /// <summary><c>good</c>, <c>revoked</c> or <c>unknown</c> for the certificate in <paramref name="leafFile"/>.</summary>
        public async Task<string> StatusAsync(string leafFile)
        {
            var answer = await OpenSslCli.RunCheckedAsync("ocsp", "-issuer", IssuerFile, "-cert", leafFile, "-CAfile", RootFile, "-url", Url);
            Assert.Contains("Response verify OK", answer);
            var line = answer.Split('\n').Single(text => text.StartsWith(leafFile + ":", StringComparison.Ordinal));
            return line[(leafFile.Length + 1)..].Trim();
        }
    }
}
