using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Audit;

/// <summary>The bounded hand-off between requests and the audit writer; when it is full a request waits, it never drops its row.</summary>
public sealed class AuditQueue(IOptions<AuditTrailOptions> options)
{
    private readonly Channel<AuditRecord> _channel = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });

    /// <summary>Rows waiting for the writer.</summary>
    public int Count => _channel.Reader.Count;

    internal ChannelReader<AuditRecord> Reader => _channel.Reader;

    /// <summary>Queues <paramref name="record"/>; completes at once unless the queue is full. Throws <see cref="ChannelClosedException"/> after shutdown began.</summary>
    public ValueTask EnqueueAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        if (_channel.Writer.TryWrite(record))
        {
            AuditMetrics.QueueLength.Add(1);
            return ValueTask.CompletedTask;
        }

        return WaitForRoomAsync(record, cancellationToken);
    }

    /// <summary>Accepts no more rows; the writer drains what was accepted and stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    internal static void Taken(int count) => AuditMetrics.QueueLength.Add(-count);

    private async ValueTask WaitForRoomAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        await _channel.Writer.WriteAsync(record, cancellationToken);
        AuditMetrics.QueueLength.Add(1);
    }
}
