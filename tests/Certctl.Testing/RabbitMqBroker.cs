namespace Certctl.Testing;

/// <summary>The test process's RabbitMQ broker: where it listens, its administrator credentials and its management API.</summary>
public sealed class RabbitMqBroker
{
    internal RabbitMqBroker(string host, int amqpPort, string user, string password, Uri managementUri)
    {
        Host = host;
        AmqpPort = amqpPort;
        User = user;
        Password = password;
        ManagementUri = managementUri;
        Management = new RabbitMqManagementApi(managementUri, user, password);
    }

    /// <summary>Host name or address of the AMQP listener.</summary>
    public string Host { get; }

    /// <summary>The AMQP port.</summary>
    public int AmqpPort { get; }

    /// <summary>The broker user (an administrator).</summary>
    public string User { get; }

    /// <summary>The broker user's password.</summary>
    public string Password { get; }

    /// <summary>Base address of the management HTTP API.</summary>
    public Uri ManagementUri { get; }

    /// <summary>The management API client, authenticated as <see cref="User"/>.</summary>
    public RabbitMqManagementApi Management { get; }

    /// <summary>An <c>amqp://</c> URI for a virtual host, the shape <c>ConnectionStrings:messaging</c> expects.</summary>
    public Uri AmqpUri(string virtualHost) =>
        new($"amqp://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password)}@{Host}:{AmqpPort}/{Uri.EscapeDataString(virtualHost)}");
}
