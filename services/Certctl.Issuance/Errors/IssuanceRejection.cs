namespace Certctl.Issuance;

/// <summary>Why a request was refused; one value per client-error type, for counting rejections by reason.</summary>
public enum IssuanceRejection
{
    InvalidCsr,
    DisallowedKey,
    InvalidValidity,
    InvalidName,
    IssuerRejected,
}
