using Certctl.Agent.Deployment.Targets;

namespace Certctl.Agent.Verification;

/// <summary>Where to check a deployment: <c>host</c>, <c>hostname</c>, <c>target</c> or <c>address</c>, and <c>port</c> (443).</summary>
public sealed record VerificationEndpoint(string Host, int Port)
{
    /// <summary>The endpoint named by <paramref name="config"/>, or null when it names none (no verification).</summary>
    public static VerificationEndpoint? From(TargetConfig config)
    {
        var host = config.Text("host") ?? config.Text("hostname") ?? config.Text("target") ?? config.Text("address");
        if (host is null)
        {
            return null;
        }

        var port = config.Integer("port") ?? 443;
        if (port is < 1 or > 65535)
        {
            throw new TargetConfigException($"target_config 'port' {port} is not a TCP port.");
        }

        return new VerificationEndpoint(host, port);
    }
}
