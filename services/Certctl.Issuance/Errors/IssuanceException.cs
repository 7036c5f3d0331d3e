namespace Certctl.Issuance;

/// <summary>Base of every error the issuance engine raises on purpose; anything else escaping it is a bug.</summary>
public abstract class IssuanceException : Exception
{
    protected IssuanceException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
