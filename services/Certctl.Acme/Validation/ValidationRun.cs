using Certctl.Acme.Protocol;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Validation;

/// <summary>
/// What every validator does around its network steps: the total timeout, the mapping of a <see cref="ValidationFailedException"/>
/// (or running out of time) to an invalid result, and the metric. Only the caller's own cancellation (shutdown) escapes.
/// </summary>
public sealed class ValidationRun(IOptions<AcmeValidationOptions> options, AcmeValidationMetrics metrics)
{
    public async Task<ChallengeValidationResult> RunAsync(
        string type, AcmeIdentifier identifier, Func<CancellationToken, Task<ChallengeValidationResult>> validate, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.Timeout);
        ChallengeValidationResult result;
        try
        {
            result = await validate(deadline.Token);
        }
        catch (ValidationFailedException ex)
        {
            result = ChallengeValidationResult.Invalid(ex.Problem);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = ChallengeValidationResult.Invalid(ValidationProblems.Connection(
                identifier, $"{type} validation of {identifier.Value} timed out after {options.Value.TimeoutSeconds} s."));
        }

        metrics.Validation(type, result);
        return result;
    }
}
