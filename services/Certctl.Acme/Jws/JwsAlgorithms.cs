namespace Certctl.Acme.Jws;

/// <summary>The JWS algorithms the server accepts (RFC 8555 §6.2 requires ES256 and recommends EdDSA; RS256 for older clients).</summary>
public static class JwsAlgorithms
{
    public const string RS256 = "RS256";
    public const string ES256 = "ES256";
    public const string ES384 = "ES384";
    public const string EdDSA = "EdDSA";

    /// <summary>Every accepted algorithm, as sent in <c>badSignatureAlgorithm</c>'s <c>algorithms</c>.</summary>
    public static readonly IReadOnlyList<string> Allowed = [RS256, ES256, ES384, EdDSA];

    public static bool IsAllowed(string? alg) => alg is RS256 or ES256 or ES384 or EdDSA;
}
