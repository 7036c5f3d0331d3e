using MassTransit;

namespace Certctl.IntegrationTests;

/// <summary>Collects what a test consumer received: the first message (awaitable) and how many arrived.</summary>
internal sealed class MessageInbox<T> where T : class
{
    private readonly TaskCompletionSource<T> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    /// <summary>How many messages the consumer has handled.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Completes with the first message received.</summary>
    public Task<T> First => _first.Task;

    public void Receive(T message)
    {
        Interlocked.Increment(ref _count);
        _first.TrySetResult(message);
    }
}

/// <summary>A consumer that only records what it receives in the <see cref="MessageInbox{T}"/> singleton.</summary>
internal sealed class InboxConsumer<T>(MessageInbox<T> inbox) : IConsumer<T> where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        inbox.Receive(context.Message);
        return Task.CompletedTask;
    }
}
