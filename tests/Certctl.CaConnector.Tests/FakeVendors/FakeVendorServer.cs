using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Certctl.CaConnector.Tests.FakeVendors;

/// <summary>
/// What every fake vendor API shares: a Kestrel app on a free 127.0.0.1 port, a throwaway CA that really signs, the
/// orders taken, and the <see cref="OrderScript"/> planned per common name.
/// </summary>
public abstract class FakeVendorServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, OrderScript> _plans = new(StringComparer.OrdinalIgnoreCase);
    private WebApplication? _app;

    protected ConcurrentDictionary<long, FakeOrder> Orders { get; } = new();

    public ThrowawayCa Ca { get; } = new();

    /// <summary><c>http://127.0.0.1:port</c>, once started.</summary>
    protected string Origin { get; private set; } = "";

    /// <summary>How the next orders for <paramref name="commonName"/> are answered.</summary>
    public void Plan(string commonName, OrderScript script) => _plans[commonName] = script;

    public IReadOnlyList<FakeOrder> OrdersFor(string commonName) =>
        [.. Orders.Values.Where(order => string.Equals(order.CommonName, commonName, StringComparison.OrdinalIgnoreCase)).OrderBy(order => order.Id)];

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Ca.Dispose();
        GC.SuppressFinalize(this);
    }

    protected OrderScript PlanFor(string commonName) => _plans.GetValueOrDefault(commonName) ?? new OrderScript();

    /// <summary>Signs the order's CSR once; later calls return the same certificate.</summary>
    protected string CertificateOf(FakeOrder order)
    {
        lock (order)
        {
            return order.CertificatePem ??= Ca.Sign(order.CsrPem, order.CommonName, order.DnsNames);
        }
    }

    /// <summary>Maps the vendor's routes and starts listening.</summary>
    protected async Task StartAsync(Action<WebApplication> map)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        map(_app);
        await _app.StartAsync();
        Origin = $"http://127.0.0.1:{port}";
    }
}
