using System.Globalization;
using System.Text.Json;
using Certctl.Acme.Problems;
using Certctl.Acme.RateLimiting;
using Certctl.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Acme.Orders;

/// <summary>
/// newOrder (RFC 8555 §7.4): payload, identifiers against the profile, <c>notBefore</c>/<c>notAfter</c>, the per-account order rate
/// limit (429 with <c>Retry-After</c>), RFC 9773 <c>replaces</c>, the account's reusable authorizations (challenge mode); then the order,
/// its authorizations and challenges in one write. Checks that need no state come first, so a refused request spends no rate-limit unit.
/// </summary>
public sealed class NewOrders(
    AcmeProfilePolicies profiles,
    OrderStore orders,
    ReplacedCertificates replaced,
    ReusableAuthorizations reusableAuthorizations,
    IAcmeRateLimiter rateLimiter,
    IdGenerator ids,
    TimeProvider time,
    IOptions<AcmeOrderOptions> options)
{
    /// <summary>The created order; or the problem refusing it.</summary>
    public async Task<(AcmeOrder? Order, AcmeProblem? Problem)> CreateAsync(
        string accountId, string profileId, JsonElement? payload, CancellationToken cancellationToken)
    {
        if (NewOrderPayload.Parse(payload) is not { } request)
        {
            return (null, Malformed("The new-order payload is not a JSON object with identifiers."));
        }

        var profile = await profiles.FindAsync(profileId, cancellationToken);
        if (profile is null)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Malformed, $"Certificate profile '{profileId}' does not exist.", StatusCodes.Status404NotFound));
        }

        var (identifiers, refused) = OrderIdentifiers.Check(request.Identifiers, profile, options.Value.MaxIdentifiers);
        if (refused is not null)
        {
            return (null, refused);
        }

        if (!TryTimestamp(request.NotBefore, out var notBefore) || !TryTimestamp(request.NotAfter, out var notAfter))
        {
            return (null, Malformed("notBefore and notAfter must be RFC 3339 date-times."));
        }

        if (notBefore is { } from && notAfter is { } until && until <= from)
        {
            return (null, Malformed("notAfter must be later than notBefore."));
        }

        var decision = await rateLimiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, accountId, cancellationToken);
        if (!decision.Allowed)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.RateLimited, "Too many new orders for this account; retry later.", StatusCodes.Status429TooManyRequests)
            {
                RetryAfter = decision.RetryAfter,
            });
        }

        if (request.Replaces is { } replaces && await replaced.CheckAsync(replaces, accountId, identifiers!, cancellationToken) is { } notReplaceable)
        {
            return (null, notReplaceable);
        }

        var now = time.GetUtcNow();
        // Trust mode proves nothing by challenge, so it has nothing to reuse: its authorizations are born valid.
        var reusable = profile.AuthMode == AcmeAuthMode.Challenge
            ? await reusableAuthorizations.FindAsync(accountId, profileId, [.. identifiers!.Select(NewOrderRows.Authorized)], now, cancellationToken)
            : null;
        var rows = NewOrderRows.Plan(ids, accountId, profile, identifiers!, notBefore, notAfter, request.Replaces, now, options.Value, reusable);
        try
        {
            await orders.CreateAsync(rows, profile, now, cancellationToken);
        }
        catch (PostgresException exception) when (exception is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ReplacedCertificates.OneLiveReplacementIndex })
        {
            // Another order for the same certificate committed between the check and this write.
            return (null, ReplacedCertificates.AlreadyReplaced());
        }


        return (new AcmeOrder(rows.OrderId, accountId, profileId, rows.Status, rows.Identifiers, notBefore, notAfter, rows.ExpiresAt, null, null,
            rows.Replaces, rows.AuthorizationIds), null);
    }

    private static bool TryTimestamp(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            && text.Contains('T', StringComparison.OrdinalIgnoreCase))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static AcmeProblem Malformed(string detail) => new(AcmeProblemTypes.Malformed, detail, StatusCodes.Status400BadRequest);
}
