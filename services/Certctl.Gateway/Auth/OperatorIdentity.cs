using System.Security.Claims;

namespace Certctl.Gateway.Auth;

/// <summary>The operator behind a request: the API key's name (the actor recorded everywhere) and its admin flag.</summary>
public sealed record OperatorIdentity(string Name, bool IsAdmin)
{
    /// <summary>Reads the operator from an authenticated principal; throws on an anonymous one (an endpoint outside the authorized group).</summary>
    public static OperatorIdentity From(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            throw new InvalidOperationException("The request is not authenticated; map the endpoint on the group MapOperatorApi() returns.");
        }

        return new OperatorIdentity(name, user.HasClaim(ApiKeyDefaults.AdminClaim, "true"));
    }
}
