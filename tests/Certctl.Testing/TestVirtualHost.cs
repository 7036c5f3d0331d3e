namespace Certctl.Testing;

/// <summary>A RabbitMQ virtual host of its own on the shared broker, deleted with its queues and exchanges on dispose.</summary>
public sealed class TestVirtualHost : IAsyncDisposable
{
    private readonly RabbitMqBroker _broker;

    private TestVirtualHost(RabbitMqBroker broker, string name)
    {
        _broker = broker;
        Name = name;
        AmqpUri = broker.AmqpUri(name);
    }

    /// <summary>The virtual host's name, <c>test_&lt;owner&gt;_&lt;random&gt;</c>.</summary>
    public string Name { get; }

    /// <summary><c>amqp://user:password@host:port/&lt;vhost&gt;</c>: what <c>ConnectionStrings:messaging</c> should hold.</summary>
    public Uri AmqpUri { get; }

    /// <summary>Creates a new virtual host named after <paramref name="owner"/> (usually the test class), with full rights for the broker user.</summary>
    public static async Task<TestVirtualHost> CreateAsync(string owner, CancellationToken cancellationToken = default)
    {
        var broker = (await SharedInfrastructure.GetAsync()).RabbitMq;
        var virtualHost = new TestVirtualHost(broker, TestNames.ForOwner(owner));
        await broker.Management.CreateVirtualHostAsync(virtualHost.Name, cancellationToken);
        return virtualHost;
    }

    /// <summary>Deletes the virtual host.</summary>
    public async ValueTask DisposeAsync() => await _broker.Management.DeleteVirtualHostAsync(Name);
}
