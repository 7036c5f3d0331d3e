namespace Certctl.Gateway.Auth;

/// <summary>The authentication failure carried from authenticate to challenge, naming the <see cref="ApiKeyRejection"/>.</summary>
public sealed class ApiKeyRejectedException(ApiKeyRejection rejection) : Exception(Describe(rejection))
{
    /// <summary>The reason.</summary>
    public ApiKeyRejection Rejection { get; } = rejection;

    /// <summary>The problem detail for <paramref name="rejection"/>.</summary>
    public static string Describe(ApiKeyRejection rejection) => rejection switch
    {
        ApiKeyRejection.MissingHeader => "An Authorization header is required: Authorization: Bearer <api key>.",
        ApiKeyRejection.MalformedHeader => "The Authorization header must have the form: Bearer <api key>.",
        _ => "The API key is not valid.",
    };

    /// <summary>The <c>WWW-Authenticate</c> value: RFC 6750 adds an error code only when credentials were sent.</summary>
    public static string Challenge(ApiKeyRejection rejection) => rejection switch
    {
        ApiKeyRejection.MissingHeader => $"Bearer realm=\"{ApiKeyDefaults.Realm}\"",
        ApiKeyRejection.MalformedHeader => $"Bearer realm=\"{ApiKeyDefaults.Realm}\", error=\"invalid_request\"",
        _ => $"Bearer realm=\"{ApiKeyDefaults.Realm}\", error=\"invalid_token\"",
    };
}
