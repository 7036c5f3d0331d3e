namespace Certctl.Gateway.Auth;

/// <summary>Names of the operator API's authentication scheme, claims and authorization policies.</summary>
public static class ApiKeyDefaults
{
    /// <summary>The authentication scheme: <c>Authorization: Bearer &lt;api key&gt;</c>.</summary>
    public const string AuthenticationScheme = "ApiKey";

    /// <summary>The realm named in <c>WWW-Authenticate</c>.</summary>
    public const string Realm = "certctl";

    /// <summary>Claim carrying <c>true</c> or <c>false</c>: whether the key has the admin flag.</summary>
    public const string AdminClaim = "certctl_admin";

    /// <summary>Policy: any valid operator key (the default policy of <c>RequireAuthorization()</c>).</summary>
    public const string OperatorPolicy = "Operator";

    /// <summary>Policy: a valid key with the admin flag.</summary>
    public const string AdminPolicy = "Admin";
}
