namespace Certctl.CaConnector.Tests.Acme;

/// <summary>
/// dns-01 hook scripts as an operator would write them: they set and clear TXT records through pebble-challtestsrv's
/// management API and log each call (<c>present|cleanup domain fqdn token</c>) so the test sees what ran.
/// </summary>
public sealed class DnsHookScripts(string challengeServerUrl) : IDisposable
{
    private readonly ScratchFiles _files = new();

    private string LogPath => _files.PathOf("calls.log");

    /// <summary>The issuer keys for dns-01 with these scripts; without <paramref name="publish"/> the present script sets no record.</summary>
    public Dictionary<string, object?> Configuration(bool publish = true)
    {
        var setTxt = publish
            ? $$"""curl -sf -X POST -d "{\"host\":\"$CERTCTL_DNS_FQDN.\",\"value\":\"$CERTCTL_DNS_VALUE\"}" {{challengeServerUrl}}/set-txt"""
            : "true";
        var present = Script("present.sh", $$"""
            #!/bin/sh
            set -e
            {{setTxt}}
            echo "present $CERTCTL_DNS_DOMAIN $CERTCTL_DNS_FQDN $CERTCTL_DNS_TOKEN" >> {{LogPath}}
            """);
        var cleanup = Script("cleanup.sh", $$"""
            #!/bin/sh
            set -e
            curl -sf -X POST -d "{\"host\":\"$CERTCTL_DNS_FQDN.\"}" {{challengeServerUrl}}/clear-txt
            echo "cleanup $CERTCTL_DNS_DOMAIN $CERTCTL_DNS_FQDN $CERTCTL_DNS_TOKEN" >> {{LogPath}}
            """);
        return new Dictionary<string, object?>
        {
            ["challenge_type"] = "dns-01",
            ["dns_present_script"] = present,
            ["dns_cleanup_script"] = cleanup,
            ["dns_propagation_wait"] = 0,
        };
    }

    /// <summary>The logged calls, in order.</summary>
    public IReadOnlyList<string> Calls() => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    public void Dispose() => _files.Dispose();

    private string Script(string name, string text)
    {
        var path = _files.Write(name, text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
