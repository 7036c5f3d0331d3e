namespace Certctl.Gateway.ProxyTests;

/// <summary>One echo service and one gateway in front of it, shared by a test class.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private EchoService? _echo;
    private TestGateway? _gateway;

    internal EchoService Echo => _echo ?? throw new InvalidOperationException("Not started.");

    internal TestGateway Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _echo = await EchoService.StartAsync();
        _gateway = await TestGateway.StartAsync(_echo.Address);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_echo is not null)
        {
            await _echo.DisposeAsync();
        }
    }
}
