namespace Certctl.AppHost.Infrastructure;

/// <summary>Neither a container engine nor the local servers can provide Postgres and RabbitMQ; the message says what to install.</summary>
internal sealed class InfrastructureUnavailableException(string message) : Exception(message);
