using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.Validation;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Challenges;

/// <summary>
/// Validates queued challenges off the request path, at most <c>CERTCTL_ACME_SERVER_VALIDATION_CONCURRENCY</c> at once: picks the
/// <see cref="IChallengeValidator"/> of the challenge's type and records the outcome (challenge, authorization, order in one
/// transaction). Every minute it re-queues challenges left processing by a lost replica.
/// </summary>
public sealed partial class ChallengeValidationWorker(
    ChallengeValidationQueue queue,
    ChallengeStore challenges,
    IEnumerable<IChallengeValidator> validators,
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
            await challenges.CompleteAsync(target, result, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The row stays processing; the sweep queues it again.
            LogValidationFailed(logger, ex, challengeId);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stranded-challenge sweep failed; it runs again in a minute")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
