using System.Net;
using System.Net.Sockets;

namespace Certctl.Gateway.ProxyTests;

/// <summary>A downstream service that does not answer gives a gateway error, never a hang or a 500.</summary>
public sealed class ProxyUnavailableTests
{
    [Fact]
    public async Task Answers_502_when_the_service_refuses_connections()
    {
        await using var gateway = await TestGateway.StartAsync(ClosedLoopbackAddress());
        using var client = gateway.CreateClient();

        using var response = await client.PostAsync("/api/v1/agents/agent-down/heartbeat", null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    private static Uri ClosedLoopbackAddress()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}
