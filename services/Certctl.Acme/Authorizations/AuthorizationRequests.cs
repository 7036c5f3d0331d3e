using System.Text.Json;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;

namespace Certctl.Acme.Authorizations;

/// <summary>
/// An authorization as its account sees it (POST-as-GET), and the client's deactivation (<c>{"status":"deactivated"}</c>, RFC 8555
/// §7.5.2). Another account's authorization is 403 (the original let anyone read any, its GAP-9).
/// </summary>
public sealed class AuthorizationRequests(AuthorizationStore authorizations, TimeProvider time)
{
    public async Task<(AcmeAuthorization? Authorization, AcmeProblem? Problem)> HandleAsync(
        string accountId, string authorizationId, JsonElement? payload, CancellationToken cancellationToken)
    {
        var authorization = await authorizations.FindAsync(authorizationId, cancellationToken);
        if (authorization is null)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Malformed, "The authorization does not exist.", StatusCodes.Status404NotFound));
        }

        if (authorization.AccountId != accountId)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Unauthorized, "The authorization belongs to another account.", StatusCodes.Status403Forbidden));
        }

        if (payload is not { } update)
        {
            return (authorization, null);
        }

        var status = ReadStatus(update, out var malformed);
        if (malformed)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Malformed, "An authorization update is {\"status\":\"deactivated\"}.", StatusCodes.Status400BadRequest));
        }

        return status is null
            ? (authorization, null)
            : (await authorizations.DeactivateAsync(authorizationId, time.GetUtcNow(), cancellationToken), null);
    }

    private static string? ReadStatus(JsonElement payload, out bool malformed)
    {
        malformed = payload.ValueKind != JsonValueKind.Object;
        if (malformed || !payload.TryGetProperty("status", out var status))
        {
            return null;
        }

        malformed = status.ValueKind != JsonValueKind.String || status.GetString() != AcmeStatus.Deactivated;
        return malformed ? null : AcmeStatus.Deactivated;
    }
}
