using Microsoft.Extensions.Options;

namespace Certctl.Agent.Options;

/// <summary>Stops the agent at start, before any network call, when a setting is unusable; each failure names its variable.</summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = new List<string>();
        ValidateServerUrl(options, failures);
        foreach (var (variable, value, floor) in options.Durations())
        {
            if (!Certctl.Scheduler.Options.GoDuration.TryParse(value, out var duration))
            {
                failures.Add($"{variable} = '{value}' is not a duration (write e.g. 30s, 5m, 1h30m).");
            }
            else if (duration < floor)
            {
                failures.Add($"{variable} = '{value}' is below its minimum of {floor}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ProvisionedId) != string.IsNullOrWhiteSpace(options.ProvisionedToken))
        {
            failures.Add("CERTCTL_AGENT_ID and CERTCTL_AGENT_TOKEN go together: set both (a provisioned agent) or neither (the agent registers).");
        }

        if (options.AgentName.Length > 128)
        {
            failures.Add("CERTCTL_AGENT_NAME must be at most 128 characters.");
        }

        RequireAbsolute("CERTCTL_AGENT_STATE_DIR", options.StateDirectory, failures);
        RequireAbsolute("CERTCTL_KEY_DIR", options.KeyDirectory, failures);
        foreach (var folder in options.DiscoveryFolders)
        {
            RequireAbsolute("CERTCTL_DISCOVERY_DIRS", folder, failures);
        }

        if (options.BackupRetention < -1)
        {
            failures.Add("CERTCTL_DEPLOY_BACKUP_RETENTION must be -1 (no backups) or a count of backups to keep.");
        }

        if (!string.IsNullOrWhiteSpace(options.CaBundlePath))
        {
            ValidateCaBundle(options.CaBundlePath, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateServerUrl(AgentOptions options, List<string> failures)
    {
        if (!Uri.TryCreate(options.ServerUrl, UriKind.Absolute, out var uri))
        {
            failures.Add($"CERTCTL_SERVER_URL = '{options.ServerUrl}' is not an absolute URL.");
        }
        else if (uri.Scheme == Uri.UriSchemeHttp && !options.AllowInsecureHttp)
        {
            failures.Add("CERTCTL_SERVER_URL must be https:// (plain http:// only with CERTCTL_AGENT_ALLOW_INSECURE_HTTP=true, for development).");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            failures.Add($"CERTCTL_SERVER_URL must be https:// (got '{uri.Scheme}').");
        }
    }

    private static void RequireAbsolute(string variable, string? path, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
        {
            failures.Add($"{variable} = '{path}' must be an absolute path.");
        }
    }

    // The original treats an unreadable or empty bundle as fatal at start; so do we, rather than fail every call later.
    private static void ValidateCaBundle(string path, List<string> failures)
    {
        try
        {
            var bundle = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            bundle.ImportFromPemFile(path);
            if (bundle.Count == 0)
            {
                failures.Add($"CERTCTL_SERVER_CA_BUNDLE_PATH = '{path}' holds no certificate.");
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            failures.Add($"CERTCTL_SERVER_CA_BUNDLE_PATH = '{path}' cannot be read: {exception.Message}");
        }
    }
}
