using Aspire.Hosting.ApplicationModel;

namespace Certctl.AppHost.Infrastructure;

/// <summary>The locally installed PostgreSQL server, run by <c>LocalInfrastructure/postgres.sh</c> as an executable.</summary>
internal sealed class LocalPostgresResource(string name, string script, string workingDirectory, int port, ParameterResource password, string database)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    /// <summary>The wrapper script that initialises and runs the cluster.</summary>
    public string Script { get; } = script;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; } = port;

    /// <summary>The password of the <c>postgres</c> role.</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>Connection string to Certctl's database (created by Certctl.Migrations on first run).</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Port.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username=postgres;Password={Password};Database={database}");

    /// <summary>Connection string to the maintenance database, which exists before Certctl's does.</summary>
    public ReferenceExpression MaintenanceConnectionString =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Port.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username=postgres;Password={Password};Database=postgres;Timeout=3");
}
