using Certctl.AppHost.Infrastructure;

namespace Certctl.Testing;

/// <summary>The locally installed PostgreSQL and RabbitMQ servers, found exactly where the AppHost looks for them.</summary>
internal sealed record LocalServerPrograms(string PostgresBinDirectory, string RabbitMqServer)
{
    /// <summary>Finds both servers, or throws naming each missing program and how to install it.</summary>
    public static LocalServerPrograms Require()
    {
        var programs = LocalPrograms.Find();
        if (programs.DescribeMissing() is { } missing)
        {
            throw new InfrastructureUnavailableException(
                "No container engine is used, so the integration tests run Postgres and RabbitMQ locally, but these programs are missing:" +
                Environment.NewLine + missing + Environment.NewLine + "./test.sh installs them, or start a container engine.");
        }

        return new LocalServerPrograms(programs.PostgresBinDirectory!, programs.RabbitMqServer!);
    }
}
