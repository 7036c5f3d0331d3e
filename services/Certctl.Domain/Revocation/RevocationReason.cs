namespace Certctl.Domain;

/// <summary>Why a certificate was revoked; each value is its RFC 5280 CRLReason code.</summary>
/// <remarks>removeFromCRL (8) and aACompromise (10) are deliberately absent: neither applies to leaf revocation here.</remarks>
public enum RevocationReason
{
    [WireName("unspecified")]
    Unspecified = 0,

    [WireName("keyCompromise")]
    KeyCompromise = 1,

    [WireName("caCompromise")]
    CaCompromise = 2,

    [WireName("affiliationChanged")]
    AffiliationChanged = 3,

    [WireName("superseded")]
    Superseded = 4,

    [WireName("cessationOfOperation")]
    CessationOfOperation = 5,

    [WireName("certificateHold")]
    CertificateHold = 6,

    [WireName("privilegeWithdrawn")]
    PrivilegeWithdrawn = 9,
}
