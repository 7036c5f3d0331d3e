namespace Certctl.Acme.Problems;

/// <summary>Shorthands for the problems the protocol layer answers most.</summary>
public static class AcmeProblems
{
    public static AcmeProblem Malformed(string detail, int status = StatusCodes.Status400BadRequest) => new(AcmeProblemTypes.Malformed, detail, status);

    public static AcmeProblem Unauthorized(string detail, int status = StatusCodes.Status401Unauthorized) => new(AcmeProblemTypes.Unauthorized, detail, status);

    public static AcmeProblem BadNonce(string detail) => new(AcmeProblemTypes.BadNonce, detail, StatusCodes.Status400BadRequest);

    public static AcmeProblem AccountDoesNotExist(string detail) => new(AcmeProblemTypes.AccountDoesNotExist, detail, StatusCodes.Status400BadRequest);

    public static AcmeProblem NotFound(string detail = "resource not found") => new(AcmeProblemTypes.Malformed, detail, StatusCodes.Status404NotFound);

    public static AcmeProblem ServerInternal(string detail = "ACME server error") => new(AcmeProblemTypes.ServerInternal, detail, StatusCodes.Status500InternalServerError);
}
