using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.RateLimiting;
using Certctl.Acme.Validation;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Challenges;

/// <summary>
/// Validates queued challenges off the request path, at most <c>CERTCTL_ACME_SERVER_VALIDATION_CONCURRENCY</c> at once: picks the
/// <see cref="IChallengeValidator"/> of the challenge's type and records the outcome (challenge, authorization, order in one
/// transaction). A failed validation then spends one unit of the account and identifier's failed-validations budget (the
/// client's POST only checked it). Every minute it re-queues challenges left processing by a lost replica.
/// </summary>
public sealed partial class ChallengeValidationWorker(
    ChallengeValidationQueue queue,
    ChallengeStore challenges,
    IEnumerable<IChallengeValidator> validators,
    IAcmeRateLimiter rateLimiter,
    TimeProvider time,
    IOptions<AcmeOrderOptions> options,
    ILogger<ChallengeValidationWorker> logger) : BackgroundService
{
    /// <summary>Longest one validation may take, whatever the validator's own timeouts; then it is invalid.</summary>
    public static readonly TimeSpan ValidationTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A challenge processing this long without an outcome was lost with its replica.</summary>
    public static readonly TimeSpan StrandedAfter = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, IChallengeValidator> _validators = validators.ToDictionary(v => v.Type, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.Value.ValidationConcurrency).Select(_ => WorkAsync(stoppingToken)).ToList();
        workers.Add(SweepAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    /// <summary>Validates one challenge and records the outcome; never throws for what the network or the database does.</summary>
    internal async Task ValidateAsync(string challengeId, CancellationToken cancellationToken)
    {
        try
        {
            var target = await challenges.FindAsync(challengeId, cancellationToken);
            if (target is null || target.Challenge.Status != AcmeStatus.Processing)
            {
                return;
            }

            var result = await RunValidatorAsync(target, cancellationToken);
            if (await challenges.CompleteAsync(target, result, time.GetUtcNow(), cancellationToken) && !result.IsValid)
            {
                await SpendFailureAsync(target, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The row stays processing; the sweep queues it again.
            LogValidationFailed(logger, ex, challengeId);
        }
    }

    /// <summary>
    /// Spends the failure on the budget the client's POST checked. Only the replica that recorded the outcome spends, so a failure
    /// counts once; a refused spend (the budget ran out meanwhile) changes nothing, and a database error loses only this unit.
    /// </summary>
    private async Task SpendFailureAsync(ChallengeTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await rateLimiter.TryAcquireAsync(AcmeRateLimit.FailedValidationsPerAccountIdentifier,
                target.AccountId + "|" + target.Identifier.Value, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSpendFailed(logger, ex, target.Challenge.Id);
        }
    }

    private async Task<ChallengeValidationResult> RunValidatorAsync(ChallengeTarget target, CancellationToken cancellationToken)
    {
        if (!_validators.TryGetValue(target.Challenge.Type, out var validator))
        {
            return ChallengeValidationResult.Invalid(new AcmeProblem(AcmeProblemTypes.ServerInternal,
                $"This server cannot validate {target.Challenge.Type} challenges.", StatusCodes.Status500InternalServerError));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ValidationTimeout);
        try
        {
            return await validator.ValidateAsync(
                new ChallengeValidationRequest(target.Identifier, target.Challenge.Token, target.KeyAuthorization, target.AllowPrivateAddresses),
                timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ChallengeValidationResult.Invalid(new AcmeProblem(AcmeProblemTypes.Connection,
                $"{target.Challenge.Type} validation did not finish within {ValidationTimeout.TotalSeconds:0} s.", StatusCodes.Status400BadRequest));
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var challengeId in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await ValidateAsync(challengeId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    foreach (var id in await challenges.FindStrandedAsync(time.GetUtcNow() - StrandedAfter, 100, stoppingToken))
                    {
                        queue.TryEnqueue(id);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validation of challenge {ChallengeId} did not complete; the stranded-challenge sweep retries it")]
    private static partial void LogValidationFailed(ILogger logger, Exception exception, string challengeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The failed validation of challenge {ChallengeId} was recorded but not spent on its rate limit")]
    private static partial void LogSpendFailed(ILogger logger, Exception exception, string challengeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stranded-challenge sweep failed; it runs again in a minute")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
