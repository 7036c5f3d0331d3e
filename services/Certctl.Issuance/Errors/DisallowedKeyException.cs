namespace Certctl.Issuance;

/// <summary>The subject key is weak, of an unsupported type, or not allowed by the profile.</summary>
public sealed class DisallowedKeyException(string message)
    : IssuanceRejectedException(message)
{
    public override IssuanceRejection Reason => IssuanceRejection.DisallowedKey;
}
