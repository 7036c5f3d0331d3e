using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.Scheduler.Tests.Jobs;

/// <summary>MassTransit's in-memory test harness, for what the loops publish.</summary>
internal sealed class TestBus : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private TestBus(ServiceProvider provider, ITestHarness harness)
    {
        _provider = provider;
        Harness = harness;
    }

    public ITestHarness Harness { get; }

    public IBus Bus => Harness.Bus;

    public static async Task<TestBus> StartAsync()
    {
        var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return new TestBus(provider, harness);
    }

    public List<T> Published<T>() where T : class => Harness.Published.Select<T>().Select(message => message.Context.Message).ToList();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
