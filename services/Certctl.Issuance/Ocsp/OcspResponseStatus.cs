namespace Certctl.Issuance;

/// <summary>RFC 6960 OCSPResponseStatus; every value but <see cref="Successful"/> is sent unsigned, without response bytes.</summary>
public enum OcspResponseStatus
{
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

/// <summary>The unsigned error answers.</summary>
public static class OcspErrorResponse
{
    /// <summary><c>OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED }</c>, five octets.</summary>
    public static byte[] For(OcspResponseStatus status) =>
        status == OcspResponseStatus.Successful
            ? throw new ArgumentOutOfRangeException(nameof(status), "A successful response must be signed.")
            : [0x30, 0x03, 0x0A, 0x01, (byte)status];
}
