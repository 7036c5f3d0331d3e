namespace Certctl.CaConnector.Issuers;

/// <summary>A transient CA error (unreachable, 429, 5xx): nothing is wrong with the request; try again, not before <see cref="RetryAfter"/>.</summary>
public sealed class IssuerUnavailableException(string message, TimeSpan? retryAfter = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The CA's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
