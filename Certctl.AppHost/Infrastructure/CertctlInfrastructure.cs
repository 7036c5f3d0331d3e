using Aspire.Hosting.ApplicationModel;

namespace Certctl.AppHost.Infrastructure;

/// <summary>Postgres and RabbitMQ as the services see them, whichever way they are run.</summary>
/// <param name="Database">Referenced by every service as the <c>certctl</c> connection string.</param>
/// <param name="DatabaseServer">What to wait for before the migrations run.</param>
/// <param name="Messaging">Referenced by every service as the <c>messaging</c> connection string (amqp URI).</param>
/// <param name="Mode">Containers or local executables.</param>
internal sealed record CertctlInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResource> DatabaseServer,
    IResourceBuilder<IResourceWithConnectionString> Messaging,
    InfrastructureMode Mode);
