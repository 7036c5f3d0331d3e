namespace Certctl.Contracts;

/// <summary>The CA connector's answer to <see cref="SignOcspResponse"/>: a DER OCSPResponse, successful or an unsigned error status.</summary>
/// <param name="Cacheable">
/// True when the same request may be answered with these bytes until <see cref="NextUpdate"/>: signed, no nonce, and no certificate
/// answered <c>unknown</c>.
/// </param>
/// <param name="GoodSerials">The serials answered <c>good</c>; a cache must drop the answer once any of them is revoked.</param>
public sealed record OcspResponseSigned(byte[] ResponseDer, bool Cacheable, DateTimeOffset? NextUpdate, IReadOnlyList<string> GoodSerials);
