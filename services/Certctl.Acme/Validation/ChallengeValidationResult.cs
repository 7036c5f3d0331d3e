using Certctl.Acme.Problems;

namespace Certctl.Acme.Validation;

/// <summary>The outcome of one validation: valid, or invalid with the problem stored on the challenge.</summary>
public sealed record ChallengeValidationResult(bool IsValid, AcmeProblem? Problem)
{
    public static ChallengeValidationResult Valid { get; } = new(true, null);

    public static ChallengeValidationResult Invalid(AcmeProblem problem) => new(false, problem);
}
