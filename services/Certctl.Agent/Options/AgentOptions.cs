using Certctl.Scheduler.Options;

namespace Certctl.Agent.Options;

/// <summary>The agent's settings, bound from the documented <c>CERTCTL_*</c> variables (durations as <c>30s</c>, <c>5m</c>, <c>6h</c>).</summary>
public sealed class AgentOptions
{
    [ConfigurationKeyName("CERTCTL_SERVER_URL")]
    public string ServerUrl { get; set; } = "https://localhost:8443";

    /// <summary>Sent once, at registration; every later call carries the per-agent token the server returned.</summary>
    [ConfigurationKeyName("CERTCTL_AGENT_BOOTSTRAP_TOKEN")]
    public string? BootstrapToken { get; set; }

    /// <summary>
    /// With <see cref="ProvisionedToken"/>: an identity the server was given beforehand (the AppHost's demo agent, or hosts
    /// provisioned by configuration management); the agent then never registers and keeps nothing in its state folder.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_AGENT_ID")]
    public string? ProvisionedId { get; set; }

    /// <summary>The per-agent token of <see cref="ProvisionedId"/>.</summary>
    [ConfigurationKeyName("CERTCTL_AGENT_TOKEN")]
    public string? ProvisionedToken { get; set; }

    internal bool IsProvisioned => !string.IsNullOrWhiteSpace(ProvisionedId) && !string.IsNullOrWhiteSpace(ProvisionedToken);

    /// <summary>The agent's name on the server, unique across the fleet; the host name when unset.</summary>
    [ConfigurationKeyName("CERTCTL_AGENT_NAME")]
    public string? Name { get; set; }

    internal string AgentName => string.IsNullOrWhiteSpace(Name) ? Environment.MachineName : Name.Trim();

    [ConfigurationKeyName("CERTCTL_AGENT_STATE_DIR")]
    public string StateDirectory { get; set; } = "/var/lib/certctl/agent";

    [ConfigurationKeyName("CERTCTL_KEY_DIR")]
    public string KeyDirectory { get; set; } = "/var/lib/certctl/keys";

    [ConfigurationKeyName("CERTCTL_AGENT_HEARTBEAT_INTERVAL")]
    public string HeartbeatInterval { get; set; } = "60s";

    [ConfigurationKeyName("CERTCTL_AGENT_POLL_INTERVAL")]
    public string PollInterval { get; set; } = "30s";

    /// <summary>Comma-separated folders to scan for existing certificates; empty turns discovery off.</summary>
    [ConfigurationKeyName("CERTCTL_DISCOVERY_DIRS")]
    public string? DiscoveryDirectories { get; set; }

    [ConfigurationKeyName("CERTCTL_DISCOVERY_INTERVAL")]
    public string DiscoveryInterval { get; set; } = "6h";

    [ConfigurationKeyName("CERTCTL_SERVER_CA_BUNDLE_PATH")]
    public string? CaBundlePath { get; set; }

    [ConfigurationKeyName("CERTCTL_SERVER_TLS_INSECURE_SKIP_VERIFY")]
    public bool InsecureSkipVerify { get; set; }

    /// <summary>Development only: lets the agent talk to an <c>http://</c> server (the AppHost demo on localhost).</summary>
    [ConfigurationKeyName("CERTCTL_AGENT_ALLOW_INSECURE_HTTP")]
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Backups kept per deployed file; -1 keeps none (and so cannot roll back). A target's <c>backup_retention</c> wins.</summary>
    [ConfigurationKeyName("CERTCTL_DEPLOY_BACKUP_RETENTION")]
    public int BackupRetention { get; set; } = 3;

    /// <summary>How long a target's validate or reload command may run before it is killed and counted as failed.</summary>
    [ConfigurationKeyName("CERTCTL_AGENT_COMMAND_TIMEOUT")]
    public string CommandTimeout { get; set; } = "2m";

    internal TimeSpan Heartbeat => Parse(HeartbeatInterval);

    internal TimeSpan Poll => Parse(PollInterval);

    internal TimeSpan Discovery => Parse(DiscoveryInterval);

    internal TimeSpan CommandRunTimeout => Parse(CommandTimeout);

    internal Uri ServerUri => new(ServerUrl.TrimEnd('/') + "/", UriKind.Absolute);

    internal IReadOnlyList<string> DiscoveryFolders =>
        (DiscoveryDirectories ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal IEnumerable<(string Variable, string Value, TimeSpan Floor)> Durations()
    {
        yield return ("CERTCTL_AGENT_HEARTBEAT_INTERVAL", HeartbeatInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_AGENT_POLL_INTERVAL", PollInterval, TimeSpan.FromSeconds(1));
        yield return ("CERTCTL_DISCOVERY_INTERVAL", DiscoveryInterval, TimeSpan.FromMinutes(1));
        yield return ("CERTCTL_AGENT_COMMAND_TIMEOUT", CommandTimeout, TimeSpan.FromSeconds(1));
    }

    private static TimeSpan Parse(string value) =>
        GoDuration.TryParse(value, out var duration) ? duration : throw new InvalidOperationException($"'{value}' is not a duration.");
}
