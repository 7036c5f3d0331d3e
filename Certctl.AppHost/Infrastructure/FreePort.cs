using System.Net;
using System.Net.Sockets;

namespace Certctl.AppHost.Infrastructure;

/// <summary>Picks loopback ports nobody listens on, for the locally run servers.</summary>
internal static class FreePort
{
    /// <summary>Asks the kernel for a free port on 127.0.0.1.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
