namespace Certctl.CaConnector.RenewalInfo;

/// <summary>How one renewalInfo poll ended; the metric's outcome tag is the lower-case name.</summary>
public enum AriOutcome
{
    /// <summary>The CA suggested a window.</summary>
    Window,

    /// <summary>The CA offers no renewal information: no <c>renewalInfo</c> in its directory, or 404 for this certificate.</summary>
    NotSupported,

    /// <summary>Timeout, network error, 429 or 5xx: ask again after the error backoff.</summary>
    TemporaryError,

    /// <summary>Any other refusal or an answer that is not a valid RenewalInfo: ask again after the default 6 h.</summary>
    Error,
}

/// <summary>What one renewalInfo poll learned.</summary>
/// <param name="RetryAfter">The CA's Retry-After as sent (not yet clamped), when it sent one.</param>
public sealed record RenewalInfoAnswer(
    AriOutcome Outcome, DateTimeOffset? WindowStart = null, DateTimeOffset? WindowEnd = null, string? ExplanationUrl = null,
    TimeSpan? RetryAfter = null, string? Message = null)
{
    public static RenewalInfoAnswer NotSupported(string message) => new(AriOutcome.NotSupported, Message: message);

    public static RenewalInfoAnswer Temporary(string message, TimeSpan? retryAfter = null) => new(AriOutcome.TemporaryError, RetryAfter: retryAfter, Message: message);

    public static RenewalInfoAnswer Error(string message) => new(AriOutcome.Error, Message: message);
}
