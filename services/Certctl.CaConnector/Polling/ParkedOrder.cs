namespace Certctl.CaConnector.Polling;

/// <summary>A job in AwaitingIssuer as the poller claimed it: its order, its poll state and the claim that fences the poller's write.</summary>
/// <param name="OrderId">The CA's order id; null when the submission never finished (the connector died mid-call).</param>
/// <param name="Polls">Polls so far in the current deadline window (the backoff's exponent).</param>
/// <param name="EncryptedKey">Server key mode: the key made for the CSR, encrypted and bound to the job id.</param>
/// <param name="CsrPem">Agent key mode: the agent's CSR, whose key the certificate must certify.</param>
/// <param name="ClaimedUntil">The <c>next_attempt_at</c> the claim wrote; a write back only lands while it is still there.</param>
public sealed record ParkedOrder(
    string JobId,
    string CertificateId,
    string IssuerId,
    string? OrderId,
    int Attempts,
    int Polls,
    DateTimeOffset? Deadline,
    byte[]? EncryptedKey,
    string? CsrPem,
    DateTimeOffset ClaimedUntil);

/// <summary>The poller's verdict for an order that is still pending: when to look again, and why.</summary>
public sealed record PollReschedule(string JobId, DateTimeOffset ClaimedUntil, int Polls, DateTimeOffset NextPollAt, DateTimeOffset Deadline, string Message);
