using System.Security.Claims;
using System.Text.Json.Serialization;

namespace Certctl.Gateway.Auth;

/// <summary><c>GET /api/v1/auth/check</c>: tells a client whether its key is valid, whose it is and whether it is an admin key.</summary>
public static class AuthCheckEndpoint
{
    /// <summary>Maps <c>auth/check</c> on the operator group.</summary>
    public static RouteHandlerBuilder MapAuthCheck(this IEndpointRouteBuilder operatorApi) =>
        operatorApi.MapGet("/auth/check", Check)
            .WithName("CheckAuth")
            .WithSummary("Validates the caller's API key and names it.");

    private static AuthCheckResponse Check(ClaimsPrincipal user)
    {
        var caller = user.GetOperator();
        return new AuthCheckResponse("authenticated", caller.Name, caller.IsAdmin);
    }

    /// <summary>The answer of <c>auth/check</c>.</summary>
    public sealed record AuthCheckResponse(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("user")] string User,
        [property: JsonPropertyName("admin")] bool Admin);
}
