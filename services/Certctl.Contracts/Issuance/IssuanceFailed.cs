namespace Certctl.Contracts;

/// <summary>Event: an issuance attempt failed and its job was marked Failed.</summary>
/// <param name="Retryable">False when trying again cannot help (the CA refused the request), so retries are not wasted.</param>
public sealed record IssuanceFailed(
    string JobId,
    string CertificateId,
    string Reason,
    bool Retryable,
    DateTimeOffset FailedAt);
