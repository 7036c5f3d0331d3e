using Certctl.Acme.Http;

namespace Certctl.Acme.Authorizations;

/// <summary><c>POST …/authz/{authorizationId}</c>: POST-as-GET, or <c>{"status":"deactivated"}</c>.</summary>
public static class AuthorizationEndpoint
{
    public static async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var authorizations = request.HttpContext.RequestServices.GetRequiredService<AuthorizationRequests>();
        var (authorization, problem) = await authorizations.HandleAsync(
            request.RequiredAccount.Id, request.RouteValue("authorizationId"), request.Payload, cancellationToken);
        return problem ?? AcmeResponse.Ok(AuthorizationDocument.From(authorization!, request.Urls));
    }
}
