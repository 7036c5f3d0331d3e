namespace Certctl.CaConnector.Tests.FakeVendors;

/// <summary>
/// How the fake CertCentral answers one order, in this order: <see cref="FailingSubmissions"/> submissions answered 503, then
/// the order is taken (issued at once when <see cref="IssueAtSubmission"/>); its polls answer 429 (<see cref="ThrottledPolls"/>
/// times, with <see cref="RetryAfter"/>), then 503 (<see cref="FailingPolls"/> times), then pending (<see cref="PendingPolls"/> times),
/// then the outcome.
/// </summary>
public sealed record OrderScript
{
    public int FailingSubmissions { get; init; }

    public bool IssueAtSubmission { get; init; }

    public int ThrottledPolls { get; init; }

    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    public int FailingPolls { get; init; }

    public int PendingPolls { get; init; }

    /// <summary>Collects of an issued certificate answered "not yet available" first (Sectigo).</summary>
    public int NotCollectable { get; init; }

    /// <summary>True: the order ends rejected; false: issued.</summary>
    public bool Rejects { get; init; }
}
