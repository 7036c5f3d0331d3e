using Certctl.Gateway.Audit;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Tests;

/// <summary>The audit queue holds requests back when it is full instead of dropping their rows.</summary>
public sealed class AuditQueueTests
{
    [Fact]
    public async Task A_full_queue_makes_the_next_request_wait_until_the_writer_takes_a_row()
    {
        var queue = new AuditQueue(Options.Create(new AuditTrailOptions { QueueCapacity = 2 }));

        await queue.EnqueueAsync(Row("1"));
        await queue.EnqueueAsync(Row("2"));
        var third = queue.EnqueueAsync(Row("3")).AsTask();

        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        Assert.True(queue.Reader.TryRead(out var first));
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("1", first.RequestId);
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public async Task A_completed_queue_still_hands_out_what_it_accepted()
    {
        var queue = new AuditQueue(Options.Create(new AuditTrailOptions { QueueCapacity = 10 }));
        await queue.EnqueueAsync(Row("1"));

        queue.Complete();

        Assert.True(queue.Reader.TryRead(out var accepted));
        Assert.Equal("1", accepted.RequestId);
        Assert.False(await queue.Reader.WaitToReadAsync());
        await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(() => queue.EnqueueAsync(Row("2")).AsTask());
    }

    private static AuditRecord Row(string requestId) =>
        new("alice", "User", "api_post", "teams", "t-1", "{}", requestId, null, 201, 3, DateTimeOffset.UtcNow);
}
