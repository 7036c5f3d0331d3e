using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Certctl.AgentIngest.Heartbeats;

/// <summary>
/// The bounded buffer between heartbeat requests and the batch writer. A request never waits for room: when the buffer is
/// full (the database is away or slower than the fleet) it is refused, and the agent is told to come back later.
/// </summary>
public sealed class HeartbeatQueue(IOptions<AgentIngestOptions> options)
{
    private readonly Channel<Heartbeat> _channel = Channel.CreateBounded<Heartbeat>(
        new BoundedChannelOptions(options.Value.HeartbeatBuffer)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });

    /// <summary>Heartbeats waiting for the writer.</summary>
    public int Count => _channel.Reader.Count;

    internal ChannelReader<Heartbeat> Reader => _channel.Reader;

    /// <summary>Queues <paramref name="heartbeat"/>; false when the buffer is full or the service is stopping.</summary>
    public bool TryEnqueue(Heartbeat heartbeat)
    {
        if (!_channel.Writer.TryWrite(heartbeat))
        {
            HeartbeatMetrics.Refused.Add(1);
            return false;
        }

        HeartbeatMetrics.Accepted.Add(1);
        HeartbeatMetrics.Buffered.Add(1);
        return true;
    }

    /// <summary>Accepts no more heartbeats; the writer drains what was accepted and stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    internal static void Taken(int count) => HeartbeatMetrics.Buffered.Add(-count);
}
