namespace Certctl.CaConnector.Tests.Acme;

/// <summary>
/// A class's pebble: one in ten good nonces refused as badNonce (the client must retry), <c>blocked.example</c> refused as
/// a rejected identifier, http-01 validated on a free port the connector's responder listens on.
/// </summary>
public sealed class PebbleFixture : IAsyncLifetime
{
    public const string BlockedDomain = "blocked.example";

    public int HttpPort { get; } = FreePort.Next();

    public PebbleServer Pebble { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Pebble = await PebbleServer.StartAsync(new PebbleSettings { HttpPort = HttpPort, NonceRejectPercent = 10, DomainBlocklist = [BlockedDomain] });

    public async Task DisposeAsync()
    {
        if (Pebble is not null)
        {
            await Pebble.DisposeAsync();
        }
    }
}

/// <summary>A pebble that requires an external account binding with the one key it knows.</summary>
public sealed class PebbleWithBindingFixture : IAsyncLifetime
{
    public const string Kid = "kid-certctl";

    /// <summary>The base64url HMAC key pebble holds for <see cref="Kid"/>.</summary>
    public const string Hmac = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

    public int HttpPort { get; } = FreePort.Next();

    public PebbleServer Pebble { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Pebble = await PebbleServer.StartAsync(new PebbleSettings { HttpPort = HttpPort, ExternalAccountKeys = new Dictionary<string, string> { [Kid] = Hmac } });

    public async Task DisposeAsync()
    {
        if (Pebble is not null)
        {
            await Pebble.DisposeAsync();
        }
    }
}
