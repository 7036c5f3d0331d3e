namespace Certctl.Issuance;

/// <summary>
/// An internal error: the CA cannot sign (its certificate or key is unusable, it has expired, its stored copy is
/// unreadable, or the issuer is misconfigured). Not the requester's fault; an operator has to act.
/// </summary>
public sealed class CertificateAuthorityException(string message, Exception? innerException = null)
    : IssuanceException(message, innerException);
