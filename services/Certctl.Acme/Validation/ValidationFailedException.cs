using Certctl.Acme.Problems;

namespace Certctl.Acme.Validation;

/// <summary>Carries a validation's verdict out of a network step; the validator turns it into an invalid result, never lets it escape.</summary>
public sealed class ValidationFailedException(AcmeProblem problem) : Exception(problem.Detail)
{
    public AcmeProblem Problem { get; } = problem;
}
