using System.Text.Json.Serialization;
using Certctl.Acme.Problems;

namespace Certctl.Acme.RenewalInfo;

/// <summary>
/// The renewalInfo endpoint's errors as <c>application/problem+json</c>. The endpoint is a plain GET with no JWS, so it renders its
/// few problems itself; the shape is the one every ACME error has (RFC 8555 §6.7).
/// </summary>
public static class RenewalInfoProblems
{
    public static readonly AcmeProblem Disabled =
        new(AcmeProblemTypes.Malformed, "ACME Renewal Information is disabled on this server.", StatusCodes.Status404NotFound);

    public static readonly AcmeProblem MalformedCertId =
        new(AcmeProblemTypes.Malformed, "The certificate identifier is not base64url(AKI keyIdentifier) \".\" base64url(serial number) (RFC 9773 §4.1).",
            StatusCodes.Status400BadRequest);

    public static readonly AcmeProblem UnknownCertificate =
        new(AcmeProblemTypes.Malformed, "No certificate with this authority key identifier and serial number is known to this server.",
            StatusCodes.Status404NotFound);

    public static readonly AcmeProblem UnknownProfile =
        new(AcmeProblemTypes.UserActionRequired, "The certificate profile in the URL does not exist.", StatusCodes.Status404NotFound);

    public static IResult Render(AcmeProblem problem) =>
        TypedResults.Json(new Document(problem.Type, problem.Detail, problem.Status), contentType: "application/problem+json", statusCode: problem.Status);

    private sealed record Document(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("detail")] string Detail,
        [property: JsonPropertyName("status")] int Status);
}
