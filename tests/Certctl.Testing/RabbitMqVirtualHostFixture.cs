using Xunit;

namespace Certctl.Testing;

/// <summary>Class fixture: a RabbitMQ virtual host of the test class's own, named after <typeparamref name="TTestClass"/>, deleted after the class.</summary>
public class RabbitMqVirtualHostFixture<TTestClass> : IAsyncLifetime
{
    private TestVirtualHost? _virtualHost;

    /// <summary>The class's virtual host.</summary>
    public TestVirtualHost VirtualHost => _virtualHost ?? throw new InvalidOperationException("The virtual host fixture is not initialized yet.");

    /// <summary>The <c>amqp://</c> URI of the class's virtual host, for <c>ConnectionStrings:messaging</c>.</summary>
    public Uri AmqpUri => VirtualHost.AmqpUri;

    /// <inheritdoc />
    public async Task InitializeAsync() => _virtualHost = await TestVirtualHost.CreateAsync(typeof(TTestClass).Name);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_virtualHost is not null)
        {
            await _virtualHost.DisposeAsync();
        }
    }
}
