namespace Certctl.Issuance;

/// <summary>The common name or a subject alternative name is malformed, unsafe, or missing.</summary>
public sealed class InvalidNameException(string message)
    : IssuanceRejectedException(message)
{
    public override IssuanceRejection Reason => IssuanceRejection.InvalidName;
}
