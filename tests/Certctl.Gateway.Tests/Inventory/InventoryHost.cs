using Certctl.Gateway.Inventory;
using Microsoft.AspNetCore.Builder;

namespace Certctl.Gateway.Tests.Inventory;

/// <summary><see cref="GatewayHost"/> with the inventory endpoints mapped; clients default to Bob's (non-admin) key.</summary>
internal sealed class InventoryHost(GatewayHost host) : IAsyncDisposable
{
    /// <summary>The test configuration-encryption key.</summary>
    public static readonly string EncryptionKey = GatewayHost.EncryptionKey;

    public Uri Address => host.Address;

    public IServiceProvider Services => host.Services;

    public static async Task<InventoryHost> StartAsync(string connectionString, ITestOutputHelper output, IDictionary<string, string?>? settings = null) =>
        new(await GatewayHost.StartAsync(connectionString, output, Map, settings));

    public static WebApplication Build(string connectionString, ITestOutputHelper output, IDictionary<string, string?>? settings = null) =>
        GatewayHost.Build(connectionString, output, Map, settings);

    /// <summary>A client with Bob's (non-admin) key, or no key when <paramref name="key"/> is empty.</summary>
    public HttpClient Client(string? key = GatewayHost.BobKey) => host.Client(string.IsNullOrEmpty(key) ? null : key);

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static void Map(Microsoft.AspNetCore.Routing.RouteGroupBuilder api) => api.MapInventoryEndpoints();
}
