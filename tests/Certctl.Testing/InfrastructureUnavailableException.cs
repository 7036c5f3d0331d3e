namespace Certctl.Testing;

/// <summary>The test Postgres or RabbitMQ could not be started; the message says what is missing or shows the server's log.</summary>
public sealed class InfrastructureUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
