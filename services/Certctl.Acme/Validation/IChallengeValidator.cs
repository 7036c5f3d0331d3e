namespace Certctl.Acme.Validation;

/// <summary>
/// Checks one RFC 8555 §8 challenge (<c>http-01</c>, <c>dns-01</c>, RFC 8737 <c>tls-alpn-01</c>) against the network. One
/// implementation per <see cref="Type"/>; the challenge endpoint picks it by type. Never throws for what the network does: a refused
/// connection, a wrong answer, a blocked address or a timeout is an invalid result with the ACME problem that explains it.
/// </summary>
public interface IChallengeValidator
{
    /// <summary>The challenge type this validator handles, e.g. <c>http-01</c>.</summary>
    string Type { get; }

    Task<ChallengeValidationResult> ValidateAsync(ChallengeValidationRequest request, CancellationToken cancellationToken);
}
