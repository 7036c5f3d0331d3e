using System.Net;
using System.Net.Sockets;

namespace Certctl.Testing;

/// <summary>Picks loopback ports nobody listens on, for the locally run servers and test web hosts.</summary>
public static class FreePort
{
    /// <summary>Asks the kernel for a free port on 127.0.0.1.</summary>
    public static int Next() => Many(1)[0];

    /// <summary>Asks for <paramref name="count"/> distinct free ports (all held open until each is known, so none repeats).</summary>
    public static int[] Many(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }
}
