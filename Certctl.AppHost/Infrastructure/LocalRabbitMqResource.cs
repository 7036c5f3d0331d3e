using Aspire.Hosting.ApplicationModel;

namespace Certctl.AppHost.Infrastructure;

/// <summary>The locally installed RabbitMQ broker, run by <c>LocalInfrastructure/rabbitmq.sh</c> as an executable.</summary>
internal sealed class LocalRabbitMqResource(string name, string workingDirectory, int port, string userName, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    /// <summary>The loopback AMQP port.</summary>
    public int Port { get; } = port;

    /// <summary>The broker's user.</summary>
    public string UserName { get; } = userName;

    /// <summary>The broker user's password.</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>An <c>amqp://</c> URI, the same shape the RabbitMQ container resource gives.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{Password}@127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
