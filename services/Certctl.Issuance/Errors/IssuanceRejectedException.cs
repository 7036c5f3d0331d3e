namespace Certctl.Issuance;

/// <summary>A client error: the request cannot be issued as asked, and sending it again unchanged cannot help.</summary>
public abstract class IssuanceRejectedException : IssuanceException
{
    protected IssuanceRejectedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public abstract IssuanceRejection Reason { get; }
}
