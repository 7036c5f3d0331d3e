using System.Net;
using System.Net.Sockets;

namespace Certctl.LoadTest;

/// <summary>Builds the one HttpClient every request of a run goes through.</summary>
public static class LoadClient
{
    /// <summary>
    /// One SocketsHttpHandler with as many connections as requests may be in flight, no proxy, no redirects,
    /// no cookies, and a connect step that refuses any address outside loopback.
    /// </summary>
    public static HttpClient Create(int maxConnections, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = timeout,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectToLoopbackAsync,
        };

        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }

    private static async ValueTask<Stream> ConnectToLoopbackAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var loopback = addresses.Where(LoopbackGuard.IsLoopback).ToArray();
        if (loopback.Length == 0 || loopback.Length != addresses.Length)
        {
            throw new HttpRequestException($"refusing to connect to {endpoint.Host}: not loopback only");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(loopback, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
