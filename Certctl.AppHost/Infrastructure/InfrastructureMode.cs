namespace Certctl.AppHost.Infrastructure;

/// <summary>How the suite gets its Postgres and RabbitMQ.</summary>
internal enum InfrastructureMode
{
    /// <summary>Containers where a container runtime answers, the locally installed servers otherwise.</summary>
    Auto,

    /// <summary>Postgres and RabbitMQ containers with persistent volumes.</summary>
    Containers,

    /// <summary>The locally installed <c>postgres</c> and <c>rabbitmq-server</c>, run as executables.</summary>
    Local,
}
