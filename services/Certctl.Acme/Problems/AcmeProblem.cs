using Certctl.Acme.Protocol;

namespace Certctl.Acme.Problems;

/// <summary>
/// An RFC 8555 §6.7 problem document (<c>application/problem+json</c>). <see cref="RetryAfter"/> becomes the <c>Retry-After</c>
/// header (rate limits, RFC 8555 §6.6); <see cref="Subproblems"/> carry per-identifier errors (§6.7.1).
/// </summary>
public sealed record AcmeProblem(string Type, string Detail, int Status)
{
    public AcmeIdentifier? Identifier { get; init; }
    public IReadOnlyList<AcmeProblem>? Subproblems { get; init; }
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The accepted JWS algorithms, sent with <c>badSignatureAlgorithm</c> (RFC 8555 §6.2).</summary>
    public IReadOnlyList<string>? Algorithms { get; init; }
}
