using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Certctl.Issuance;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.Acme.Tests.Orders;

/// <summary>
/// The real Debian <c>lego</c> client against the ACME service (real Kestrel, Postgres, RabbitMQ and the real CA connector):
/// register and issue in trust_authenticated mode, renew, revoke; and issue through http-01 answered by lego's own challenge server.
/// Every issued chain must verify with openssl against the local CA.
/// </summary>
public sealed class LegoTests(MigratedDatabaseFixture<LegoTests> database, RabbitMqVirtualHostFixture<LegoTests> broker, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<LegoTests>>, IClassFixture<RabbitMqVirtualHostFixture<LegoTests>>
{
    [Fact]
    public async Task Lego_registers_issues_renews_and_revokes_in_trust_mode()
    {
        await using var connector = await CaConnectorHost.StartAsync(database.ConnectionString, broker.AmqpUri, output);
        await using var acme = await StartAcmeAsync();
        using var files = new ScratchFiles();
        string[] lego = ["--server", new Uri(acme.Address, "/acme/directory").ToString(), "--email", "ops@example.com", "--accept-tos",
            "--path", files.Folder, "--domains", "trust.example.com", "--http", "--http.port", $"127.0.0.1:{FreePort.Next()}"];

        await LegoAsync([.. lego, "run"]);

        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM acme_accounts WHERE profile_id = 'prof-standard-tls' AND 'mailto:ops@example.com' = ANY(contact)"));
        var first = await VerifiedAsync(files, "trust.example.com");
        Assert.Equal(["trust.example.com"], DnsNames(first));

        await LegoAsync([.. lego, "renew", "--days", "10000", "--no-random-sleep"]);
        var renewed = await VerifiedAsync(files, "trust.example.com");
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM acme_orders WHERE status = 'valid' AND identifiers @> '[{\"value\":\"trust.example.com\"}]'"));

        await LegoAsync([.. lego, "revoke"]);
        var serial = CertificateSerialNumber.ToHex(renewed.SerialNumberBytes.Span);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM certificate_revocations WHERE serial_number = $1 AND revoked_by LIKE 'acme:%'", serial));
        Assert.Equal("Revoked", await Sql.ScalarAsync<string>(database.ConnectionString,
            "SELECT c.status FROM managed_certificates c JOIN certificate_versions v ON v.certificate_id = c.id WHERE v.serial_number = $1", serial));
    }

    [Fact]
    public async Task Lego_proves_http01_with_its_own_challenge_server()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        var port = FreePort.Next();
        await using var connector = await CaConnectorHost.StartAsync(database.ConnectionString, broker.AmqpUri, output);
        await using var acme = await StartAcmeAsync(new() { ["CERTCTL_ACME_SERVER_HTTP01_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var files = new ScratchFiles();

        await LegoAsync("--server", new Uri(acme.Address, $"/acme/profile/{NewOrderTests.ChallengeProfile}/directory").ToString(),
            "--email", "http01@example.com", "--accept-tos", "--path", files.Folder, "--domains", "localhost", "--http", "--http.port", $":{port}", "run");

        var certificate = await VerifiedAsync(files, "localhost");
        Assert.Equal(["localhost"], DnsNames(certificate));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, """
            SELECT count(*) FROM acme_challenges c JOIN acme_authorizations a ON a.id = c.authorization_id
            WHERE a.identifier_value = 'localhost' AND c.type = 'http-01' AND c.status = 'valid'
            """));
    }

    private async Task<AcmeHost> StartAcmeAsync(Dictionary<string, string?>? settings = null)
    {
        var host = await AcmeHost.StartAsync(database.ConnectionString, output, settings, amqp: broker.AmqpUri);
        await CaConnectorHost.WaitForBusAsync(host.Services.GetRequiredService<IBusControl>());
        return host;
    }

    /// <summary>The leaf lego stored, after openssl verified it against the CA (the last certificate of the chain lego received).</summary>
    private static async Task<X509Certificate2> VerifiedAsync(ScratchFiles files, string domain)
    {
        var leaf = files.PathOf($"certificates/{domain}.crt");
        var issuers = files.PathOf($"certificates/{domain}.issuer.crt");
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(issuers);
        Assert.NotEmpty(chain);
        var root = files.Write($"{domain}.root.pem", chain[^1].ExportCertificatePem());
        var verified = await OpenSslCli.RunCheckedAsync("verify", "-CAfile", root, "-untrusted", issuers, leaf);
        Assert.Contains(": OK", verified);
        var stored = new X509Certificate2Collection();
        stored.ImportFromPemFile(leaf); // lego's .crt is the bundle, leaf first
        return stored[0];
    }

    private static string[] DnsNames(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames()];

    private async Task LegoAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("lego") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("lego did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        output.WriteLine($"lego {string.Join(' ', arguments)}:{Environment.NewLine}{text}");
        Assert.True(process.ExitCode == 0, $"lego exited {process.ExitCode}: {text}");
    }
}
