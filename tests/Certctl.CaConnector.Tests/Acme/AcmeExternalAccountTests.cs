using Certctl.Contracts;

namespace Certctl.CaConnector.Tests.Acme;

/// <summary>External account binding (RFC 8555 §7.3.4) against a pebble that requires it.</summary>
public sealed class AcmeExternalAccountTests(
    MigratedDatabaseFixture<AcmeExternalAccountTests> database,
    RabbitMqVirtualHostFixture<AcmeExternalAccountTests> broker,
    PebbleWithBindingFixture pebble,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AcmeExternalAccountTests>>, IClassFixture<RabbitMqVirtualHostFixture<AcmeExternalAccountTests>>,
      IClassFixture<PebbleWithBindingFixture>, IAsyncLifetime
{
    private readonly AcmeHarness _h = new(pebble.Pebble, pebble.HttpPort, database.ConnectionString, broker.AmqpUri, output);

    public Task InitializeAsync() => _h.StartHostAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task An_account_registered_with_the_binding_gets_certificates()
    {
        var issuer = await _h.IssuerAsync(new() { ["eab_kid"] = PebbleWithBindingFixture.Kid, ["eab_hmac"] = PebbleWithBindingFixture.Hmac });
        var job = await _h.NewJobAsync(issuer);

        await _h.PublishAsync(job);

        var issued = await _h.IssuedAsync(job);
        await _h.AssertChainsToPebbleRootAsync(await _h.ChainAsync(issued.VersionId));
        Assert.NotNull((await _h.AccountAsync(issuer)).AccountUrl);
    }

    [Fact]
    public async Task Without_a_binding_the_job_fails_with_what_the_operator_must_configure()
    {
        var job = await _h.NewJobAsync(await _h.IssuerAsync());

        await _h.PublishAsync(job);

        IssuanceFailed failed = await _h.FailedAsync(job);
        Assert.Contains("external account binding", failed.Reason);
        Assert.Contains("eab_kid", failed.Reason);
        Assert.Equal(0, await _h.VersionCountAsync(job));
    }
}
