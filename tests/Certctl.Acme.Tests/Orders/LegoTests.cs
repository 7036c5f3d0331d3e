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

        await LegoCli.RunAsync(output, [.. lego, "run"]);

        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM acme_accounts WHERE profile_id = 'prof-standard-tls' AND 'mailto:ops@example.com' = ANY(contact)"));
        var first = await LegoCli.VerifiedCertificateAsync(files, "trust.example.com");
        Assert.Equal(["trust.example.com"], LegoCli.DnsNames(first));

        await LegoCli.RunAsync(output, [.. lego, "renew", "--days", "10000", "--no-random-sleep"]);
        var renewed = await LegoCli.VerifiedCertificateAsync(files, "trust.example.com");
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM acme_orders WHERE status = 'valid' AND identifiers @> '[{\"value\":\"trust.example.com\"}]'"));

        await LegoCli.RunAsync(output, [.. lego, "revoke"]);
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

        await LegoCli.RunAsync(output, "--server", new Uri(acme.Address, $"/acme/profile/{NewOrderTests.ChallengeProfile}/directory").ToString(),
            "--email", "http01@example.com", "--accept-tos", "--path", files.Folder, "--domains", "localhost", "--http", "--http.port", $":{port}", "run");

        var certificate = await LegoCli.VerifiedCertificateAsync(files, "localhost");
        Assert.Equal(["localhost"], LegoCli.DnsNames(certificate));
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
}
