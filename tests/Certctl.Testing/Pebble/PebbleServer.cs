using System.Globalization;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Certctl.Testing;

/// <summary>
/// The real pebble ACME test CA (Debian's <c>pebble</c> package) on free ports, with <c>pebble-challtestsrv</c> as its DNS
/// server (every name resolves to 127.0.0.1, and dns-01 TXT records are set through its management API). Missing
/// binaries fail the test with the command that installs them.
/// </summary>
public sealed class PebbleServer : IAsyncDisposable
{
    private const string Pebble = "/usr/bin/pebble";
    private const string ChallengeServer = "/usr/bin/pebble-challtestsrv";

    // Runs one program with its output in a log, and ends it when the test process goes away (no orphan holds a port).
    internal const string WrapperScript = """
        "$@" &
        child=$!
        trap 'kill "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
        while kill -0 "$CERTCTL_PARENT_PID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
        kill "$child" 2>/dev/null
        wait "$child"
        """;

    private readonly ScratchFiles _files;
    private readonly List<LocalServerProcess> _processes = [];

    private PebbleServer(ScratchFiles files) => _files = files;

    /// <summary>The ACME directory, e.g. <c>https://localhost:14000/dir</c>.</summary>
    public string DirectoryUrl { get; private set; } = "";

    /// <summary>The PEM file of the root pebble's API certificate chains to (the connector's <c>ca_bundle_path</c>).</summary>
    public string TlsRootPath { get; private set; } = "";

    /// <summary>pebble-challtestsrv's management API (<c>/set-txt</c>, <c>/clear-txt</c>), e.g. <c>http://127.0.0.1:8055</c>.</summary>
    public string ChallengeServerUrl { get; private set; } = "";

    private string ManagementUrl { get; set; } = "";

    /// <exception cref="InfrastructureUnavailableException">pebble is not installed, or does not start.</exception>
    public static async Task<PebbleServer> StartAsync(PebbleSettings settings)
    {
        foreach (var program in new[] { Pebble, ChallengeServer })
        {
            if (!File.Exists(program))
            {
                throw new InfrastructureUnavailableException(
                    $"{program} is missing: the ACME connector tests run against the real pebble test CA. Install it with scripts/prerequisites.sh (or apt-get install -y pebble).");
            }
        }

        var server = new PebbleServer(new ScratchFiles());
        try
        {
            await server.RunAsync(settings);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Pebble's current root CA (management <c>/roots/0</c>), which issued certificates chain to.</summary>
    public async Task<X509Certificate2> RootAsync()
    {
        using var http = TrustingClient();
        return X509Certificate2.CreateFromPem(await http.GetStringAsync($"{ManagementUrl}/roots/0"));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Stop(TimeSpan.FromSeconds(10));
            process.Dispose();
        }

        _files.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task RunAsync(PebbleSettings settings)
    {
        var ports = FreePort.Many(4);
        var (apiPort, managementPort, dnsPort, challengeManagementPort) = (ports[0], ports[1], ports[2], ports[3]);
        var tls = PebbleTls.Write(_files.Folder);
        TlsRootPath = tls.RootPath;
        DirectoryUrl = $"https://localhost:{apiPort}/dir";
        ManagementUrl = $"https://localhost:{managementPort}";
        ChallengeServerUrl = $"http://127.0.0.1:{challengeManagementPort}";

        var configuration = new Dictionary<string, object>
        {
            ["pebble"] = new Dictionary<string, object>
            {
                ["listenAddress"] = $"127.0.0.1:{apiPort}",
                ["managementListenAddress"] = $"127.0.0.1:{managementPort}",
                ["certificate"] = tls.CertificatePath,
                ["privateKey"] = tls.KeyPath,
                ["httpPort"] = settings.HttpPort,
                // tls-alpn-01 is not used; pebble needs a port number all the same.
                ["tlsPort"] = FreePort.Next(),
                ["ocspResponderURL"] = "",
                ["externalAccountBindingRequired"] = settings.ExternalAccountKeys.Count > 0,
                ["externalAccountMACKeys"] = settings.ExternalAccountKeys,
                ["domainBlocklist"] = settings.DomainBlocklist,
            },
        };
        var configPath = _files.Write("pebble-config.json", JsonSerializer.Serialize(configuration));
        var wrapper = _files.Write("run.sh", WrapperScript);
        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        var dns = $"127.0.0.1:{dnsPort}";
        _processes.Add(LocalServerProcess.Start("pebble-challtestsrv", wrapper, _files.PathOf("challtestsrv.log"), new Dictionary<string, string>
        {
            ["CERTCTL_PARENT_PID"] = parent,
        }, ChallengeServer, "-dns01", dns, "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", $"127.0.0.1:{challengeManagementPort}",
            "-defaultIPv4", "127.0.0.1"));
        _processes.Add(LocalServerProcess.Start("pebble", wrapper, _files.PathOf("pebble.log"), new Dictionary<string, string>
        {
            ["CERTCTL_PARENT_PID"] = parent,
            ["PEBBLE_VA_NOSLEEP"] = "1",
            ["PEBBLE_WFE_NONCEREJECT"] = settings.NonceRejectPercent.ToString(CultureInfo.InvariantCulture),
            // Every order validates its own challenges: an authorization reused from an earlier test would skip what is under test.
            ["PEBBLE_AUTHZREUSE"] = "0",
        }, Pebble, "-config", configPath, "-dnsserver", dns));

        await WaitUntilAnswersAsync();
    }

    private async Task WaitUntilAnswersAsync()
    {
        using var http = TrustingClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_processes.FirstOrDefault(p => p.HasExited) is { } ended)
            {
                throw new InfrastructureUnavailableException($"{ended.Name} stopped at start. {ended.Describe()}");
            }

            try
            {
                using var directory = await http.GetAsync(DirectoryUrl);
                using var challenge = await http.PostAsJsonAsync($"{ChallengeServerUrl}/clear-txt", new { host = "ready.test." });
                if (directory.IsSuccessStatusCode && challenge.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex;
            }

            await Task.Delay(100);
        }

        throw new InfrastructureUnavailableException(
            $"pebble did not answer at {DirectoryUrl} within 30 s. {string.Join(" ", _processes.Select(p => p.Describe()))}", last);
    }

    private HttpClient TrustingClient()
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(TlsRootPath);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build((X509Certificate2)certificate);
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }
}
