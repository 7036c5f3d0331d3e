using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Certctl.Testing;

/// <summary>
/// Debian's <c>pebble-challtestsrv</c> alone, on free loopback ports: a DNS server (every name resolves to 127.0.0.1; TXT records
/// set through <see cref="SetTxtAsync"/>), an http-01 responder and a tls-alpn-01 responder whose answers are set through its
/// management API. The fake Internet an ACME server's validators are tested against.
/// </summary>
public sealed class ChallengeTestServer : IAsyncDisposable
{
    private const string Program = "/usr/bin/pebble-challtestsrv";

    private readonly ScratchFiles _files = new();
    private readonly HttpClient _management = new() { Timeout = TimeSpan.FromSeconds(10) };
    private LocalServerProcess? _process;

    private ChallengeTestServer()
    {
    }

    /// <summary>The DNS server, <c>127.0.0.1:port</c> (UDP and TCP).</summary>
    public IPEndPoint Dns { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The port its http-01 responder listens on (plain HTTP).</summary>
    public int Http01Port { get; private set; }

    /// <summary>The port its tls-alpn-01 responder listens on.</summary>
    public int TlsAlpn01Port { get; private set; }

    /// <exception cref="InfrastructureUnavailableException">pebble-challtestsrv is not installed, or does not start.</exception>
    public static async Task<ChallengeTestServer> StartAsync()
    {
        if (!File.Exists(Program))
        {
            throw new InfrastructureUnavailableException(
                $"{Program} is missing: the ACME validator tests run against it. Install it with scripts/prerequisites.sh (or apt-get install -y pebble).");
        }

        var server = new ChallengeTestServer();
        try
        {
            await server.RunAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Serves <paramref name="content"/> at <c>/.well-known/acme-challenge/{token}</c> on the http-01 port.</summary>
    public Task AddHttp01Async(string token, string content) => PostAsync("add-http01", new { token, content });

    /// <summary>Sets the TXT record of <paramref name="host"/> (a trailing dot is added) to <paramref name="value"/>.</summary>
    public Task SetTxtAsync(string host, string value) => PostAsync("set-txt", new { host = Fqdn(host), value });

    /// <summary>Removes the TXT records of <paramref name="host"/>.</summary>
    public Task ClearTxtAsync(string host) => PostAsync("clear-txt", new { host = Fqdn(host) });

    /// <summary>Answers tls-alpn-01 for <paramref name="host"/> with a certificate proving <paramref name="keyAuthorization"/>.</summary>
    public Task AddTlsAlpn01Async(string host, string keyAuthorization) => PostAsync("add-tlsalpn01", new { host, content = keyAuthorization });

    public ValueTask DisposeAsync()
    {
        _process?.Stop(TimeSpan.FromSeconds(10));
        _process?.Dispose();
        _management.Dispose();
        _files.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task RunAsync()
    {
        var ports = FreePort.Many(4);
        Dns = new IPEndPoint(IPAddress.Loopback, ports[0]);
        Http01Port = ports[1];
        TlsAlpn01Port = ports[2];
        _management.BaseAddress = new Uri($"http://127.0.0.1:{ports[3]}/");
        var wrapper = _files.Write("run.sh", PebbleServer.WrapperScript);
        _process = LocalServerProcess.Start("pebble-challtestsrv", wrapper, _files.PathOf("challtestsrv.log"), new Dictionary<string, string>
        {
            ["CERTCTL_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        }, Program, "-dns01", Dns.ToString(), "-http01", $"127.0.0.1:{Http01Port}", "-https01", "", "-tlsalpn01", $"127.0.0.1:{TlsAlpn01Port}",
            "-management", $"127.0.0.1:{ports[3]}", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InfrastructureUnavailableException($"pebble-challtestsrv stopped at start. {_process.Describe()}");
            }

            try
            {
                await ClearTxtAsync("ready.test");
                return;
            }
            catch (HttpRequestException ex)
            {
                last = ex;
            }

            await Task.Delay(100);
        }

        throw new InfrastructureUnavailableException($"pebble-challtestsrv did not answer within 30 s. {_process.Describe()}", last);
    }

    private async Task PostAsync(string path, object body)
    {
        using var response = await _management.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
    }

    private static string Fqdn(string host) => host.EndsWith('.') ? host : host + ".";
}
