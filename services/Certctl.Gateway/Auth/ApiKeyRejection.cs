namespace Certctl.Gateway.Auth;

/// <summary>Why a request was not authenticated; each reason has its own problem detail and <c>WWW-Authenticate</c> value.</summary>
public enum ApiKeyRejection
{
    /// <summary>No Authorization header.</summary>
    MissingHeader,

    /// <summary>An Authorization header that is not <c>Bearer &lt;key&gt;</c>.</summary>
    MalformedHeader,

    /// <summary>A Bearer token that matches no configured key.</summary>
    UnknownKey,
}
