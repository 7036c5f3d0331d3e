using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Certctl.Agent.State;

/// <summary>What the agent tells the server about its host in registration and heartbeats.</summary>
public class HostFacts
{
    /// <summary>The protocol version the agent reports.</summary>
    public const string AgentVersion = "1.0.0";

    public virtual string Hostname => Environment.MachineName;

    public virtual string Os => RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux" : RuntimeInformation.OSDescription;

    public virtual string Architecture => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>The address of the interface that routes to the Internet, or null when there is none.</summary>
    public virtual string? IpAddress()
    {
        try
        {
            // "Connecting" a UDP socket sends nothing; it only makes the kernel pick the outgoing interface.
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(IPAddress.Parse("8.8.8.8"), 80);
            return (socket.LocalEndPoint as IPEndPoint)?.Address.ToString();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
