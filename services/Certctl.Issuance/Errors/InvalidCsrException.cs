namespace Certctl.Issuance;

/// <summary>The CSR is not a well-formed PKCS#10 request, or its self-signature does not verify.</summary>
public sealed class InvalidCsrException(string message, Exception? innerException = null)
    : IssuanceRejectedException(message, innerException)
{
    public override IssuanceRejection Reason => IssuanceRejection.InvalidCsr;
}
