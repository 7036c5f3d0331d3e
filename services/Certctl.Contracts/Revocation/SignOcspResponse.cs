namespace Certctl.Contracts;

/// <summary>Request to the CA connector (request/response): answer this DER OCSPRequest for the issuer, signed by its OCSP responder.</summary>
/// <remarks>Read-only and safe to repeat. The answer is <see cref="OcspResponseSigned"/>.</remarks>
public sealed record SignOcspResponse(string IssuerId, byte[] RequestDer, DateTimeOffset RequestedAt);
