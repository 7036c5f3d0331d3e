namespace Certctl.Testing;

/// <summary>How the tests get their Postgres and RabbitMQ, chosen by the <c>CERTCTL_INFRASTRUCTURE</c> environment variable.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container engine answers within a few seconds, the locally installed servers otherwise.</summary>
    Auto,

    /// <summary>Postgres and RabbitMQ containers (Testcontainers).</summary>
    Containers,

    /// <summary>The locally installed servers, run by the AppHost's own wrapper scripts.</summary>
    Local,
}
