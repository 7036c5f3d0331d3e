namespace Certctl.Acme.Tests.Validation;

/// <summary>One pebble-challtestsrv for a test class.</summary>
public sealed class ChallengeTestServerFixture : IAsyncLifetime
{
    private ChallengeTestServer? _server;

    public ChallengeTestServer Server => _server ?? throw new InvalidOperationException("pebble-challtestsrv is not started yet.");

    public async Task InitializeAsync() => _server = await ChallengeTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
