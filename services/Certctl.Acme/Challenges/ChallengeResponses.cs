using Certctl.Acme.Authorizations;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.RateLimiting;

namespace Certctl.Acme.Challenges;

/// <summary>
/// The client's "ready" for a challenge (POST <c>{}</c>, RFC 8555 §7.5.1): a pending challenge of the account's pending authorization
/// moves to processing and is queued for validation; the answer is the challenge as it then stands. A challenge in any other state is
/// answered as it is (a POST-as-GET). The failed-validations budget of the account and identifier is only checked here: the
/// validation worker spends it when a validation fails, so successes cost nothing, and an exhausted budget is 429 with <c>Retry-After</c>.
/// </summary>
public sealed class ChallengeResponses(ChallengeStore challenges, ChallengeValidationQueue queue, IAcmeRateLimiter rateLimiter, TimeProvider time)
{
    public async Task<(AcmeChallenge? Challenge, string? AuthorizationId, AcmeProblem? Problem)> RespondAsync(
        string accountId, string challengeId, bool postAsGet, CancellationToken cancellationToken)
    {
        var target = await challenges.FindAsync(challengeId, cancellationToken);
        if (target is null)
        {
            return (null, null, new AcmeProblem(AcmeProblemTypes.Malformed, "The challenge does not exist.", StatusCodes.Status404NotFound));
        }

        if (target.AccountId != accountId)
        {
            return (null, null, new AcmeProblem(AcmeProblemTypes.Unauthorized, "The challenge belongs to another account.", StatusCodes.Status403Forbidden));
        }

        if (postAsGet || target.Challenge.Status != AcmeStatus.Pending || target.AuthorizationStatus != AcmeStatus.Pending)
        {
            return (target.Challenge, target.Challenge.AuthorizationId, null);
        }

        var decision = await rateLimiter.CheckAsync(AcmeRateLimit.FailedValidationsPerAccountIdentifier,
            accountId + "|" + target.Identifier.Value, cancellationToken);
        if (!decision.Allowed)
        {
            return (null, null, new AcmeProblem(AcmeProblemTypes.RateLimited,
                $"Too many failed validations of {target.Identifier.Value} for this account; retry later.", StatusCodes.Status429TooManyRequests)
            {
                RetryAfter = decision.RetryAfter,
                Identifier = target.Identifier,
            });
        }

        if (await challenges.StartAsync(challengeId, time.GetUtcNow(), cancellationToken))
        {
            queue.TryEnqueue(challengeId);
            return (target.Challenge with { Status = AcmeStatus.Processing }, target.Challenge.AuthorizationId, null);
        }

        // Someone else moved it first (a concurrent POST, an expired authorization): answer what is stored now.
        var current = await challenges.FindAsync(challengeId, cancellationToken);
        return (current?.Challenge, target.Challenge.AuthorizationId, null);
    }
}
