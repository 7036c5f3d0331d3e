namespace Certctl.Issuance;

/// <summary>An external CA refused the order (rejected, denied, or a request it will never accept as sent).</summary>
public sealed class IssuerRejectedException(string message)
    : IssuanceRejectedException(message)
{
    public override IssuanceRejection Reason => IssuanceRejection.IssuerRejected;
}
