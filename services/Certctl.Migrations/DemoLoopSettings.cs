using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Certctl.Migrations;

/// <summary>
/// Where the AppHost's demo loop lives: the demo agent's token (<c>CERTCTL_DEMO_AGENT_TOKEN</c>), the folder it deploys the demo
/// certificate to (<c>CERTCTL_DEMO_DEPLOY_DIR</c>) and the port of the demo site that serves it (<c>CERTCTL_DEMO_SITE_PORT</c>).
/// </summary>
public sealed record DemoLoopSettings(string AgentToken, string DeployDirectory, int SitePort)
{
    /// <summary>The three settings, or null when none is set; a partial or unusable set stops the runner before it touches the database.</summary>
    public static DemoLoopSettings? From(IConfiguration configuration)
    {
        var token = configuration["CERTCTL_DEMO_AGENT_TOKEN"];
        var folder = configuration["CERTCTL_DEMO_DEPLOY_DIR"];
        var port = configuration["CERTCTL_DEMO_SITE_PORT"];
        if (string.IsNullOrWhiteSpace(token) && string.IsNullOrWhiteSpace(folder) && string.IsNullOrWhiteSpace(port))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(token) || string.IsNullOrWhiteSpace(folder) || string.IsNullOrWhiteSpace(port))
        {
            throw new MigrationException("CERTCTL_DEMO_AGENT_TOKEN, CERTCTL_DEMO_DEPLOY_DIR and CERTCTL_DEMO_SITE_PORT go together: set all three or none.");
        }

        if (!Path.IsPathFullyQualified(folder))
        {
            throw new MigrationException($"CERTCTL_DEMO_DEPLOY_DIR = '{folder}' must be an absolute path.");
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var sitePort) || sitePort is < 1 or > 65535)
        {
            throw new MigrationException($"CERTCTL_DEMO_SITE_PORT = '{port}' must be a port number (1-65535).");
        }

        return new DemoLoopSettings(token.Trim(), folder, sitePort);
    }
}
