using Certctl.Acme.Authorizations;
using Certctl.Acme.Http;
using Certctl.Acme.Orders;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Challenges;

/// <summary>
/// <c>POST …/challenge/{challengeId}</c>: <c>{}</c> starts the validation, POST-as-GET reads the challenge; <c>Link rel="up"</c> names
/// the authorization (RFC 8555 §7.5.1) and <c>Retry-After</c> says when to look again while it is processing.
/// </summary>
public static class ChallengeEndpoint
{
    public static async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var services = request.HttpContext.RequestServices;
        var (challenge, authorizationId, problem) = await services.GetRequiredService<ChallengeResponses>().RespondAsync(
            request.RequiredAccount.Id, request.RouteValue("challengeId"), request.IsPostAsGet, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return AcmeResponse.Ok(ChallengeDocument.From(challenge!, request.Urls)) with
        {
            Links = [(request.Urls.Authorization(authorizationId!), "up")],
            RetryAfter = challenge!.Status == AcmeStatus.Processing ? services.GetRequiredService<IOptions<AcmeOrderOptions>>().Value.RetryAfter : null,
        };
    }
}
