using Certctl.Gateway.Bulk;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Inventory;
using Microsoft.AspNetCore.Routing;

namespace Certctl.Gateway.Tests.Fleet;

/// <summary><see cref="GatewayHost"/> with inventory, certificates, then the fleet endpoints (as Program.cs orders them); clients default to Bob's key.</summary>
internal sealed class FleetGateway(GatewayHost host) : IAsyncDisposable
{
    public Uri Address => host.Address;

    public IServiceProvider Services => host.Services;

    public static async Task<FleetGateway> StartAsync(string connectionString, ITestOutputHelper output, IDictionary<string, string?>? settings = null) =>
        new(await GatewayHost.StartAsync(connectionString, output, Map, settings));

    /// <summary>A client with Bob's (non-admin) key, or no key when <paramref name="key"/> is empty.</summary>
    public HttpClient Client(string? key = GatewayHost.BobKey) => host.Client(string.IsNullOrEmpty(key) ? null : key);

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static void Map(RouteGroupBuilder api)
    {
        api.MapInventoryEndpoints();
        api.MapCertificateEndpoints();
        api.MapFleetEndpoints(); // after MapCertificateEndpoints, as in Program.cs
    }
}
