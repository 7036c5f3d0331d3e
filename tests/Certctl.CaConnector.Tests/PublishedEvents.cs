using System.Collections.Concurrent;
using Certctl.Contracts;
using MassTransit;

namespace Certctl.CaConnector.Tests;

/// <summary>What the connector published, as a subscriber on the real broker saw it.</summary>
public sealed class PublishedEvents
{
    private readonly ConcurrentQueue<object> _events = new();

    public void Add(object message) => _events.Enqueue(message);

    public IReadOnlyList<T> Of<T>(Func<T, bool> predicate) => [.. _events.OfType<T>().Where(predicate)];

    /// <summary>Waits until at least <paramref name="count"/> events match.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<T, bool> predicate, int count = 1, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            var seen = Of(predicate);
            if (seen.Count >= count)
            {
                return seen;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Fewer than {count} {typeof(T).Name} events arrived within {timeoutSeconds} s.");
    }
}

/// <summary>Records <see cref="CertificateIssued"/> and <see cref="IssuanceFailed"/> into <see cref="PublishedEvents"/>.</summary>
public sealed class IssuanceOutcomeRecorder(PublishedEvents events) : IConsumer<CertificateIssued>, IConsumer<IssuanceFailed>
{
    public Task Consume(ConsumeContext<CertificateIssued> context)
    {
        events.Add(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<IssuanceFailed> context)
    {
        events.Add(context.Message);
        return Task.CompletedTask;
    }
}
