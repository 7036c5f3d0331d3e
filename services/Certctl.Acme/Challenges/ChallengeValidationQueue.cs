using System.Threading.Channels;

namespace Certctl.Acme.Challenges;

/// <summary>
/// Challenge ids waiting for validation in this replica. The row (status <c>processing</c>) is the truth; this queue only carries the
/// work, so a full queue or a restart loses nothing: <see cref="ChallengeValidationWorker"/> picks stranded rows up again.
/// </summary>
public sealed class ChallengeValidationQueue
{
    /// <summary>More waiting validations than this and new ones wait for the stranded-challenge sweep instead.</summary>
    public const int Capacity = 10_000;

    private readonly Channel<string> _channel = Channel.CreateBounded<string>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    /// <summary>Queues a challenge whose row is already <c>processing</c>.</summary>
    public bool TryEnqueue(string challengeId) => _channel.Writer.TryWrite(challengeId);

    internal ChannelReader<string> Reader => _channel.Reader;
}
