using Certctl.AgentIngest.Problems;
using Certctl.Issuance;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Certctl.AgentIngest.Csr;

/// <summary><c>POST /api/v1/agents/{id}/csr</c>: 202 when the CSR is on its way to the CA connector.</summary>
public static class CsrEndpoint
{
    private const string PemHeader = "-----BEGIN CERTIFICATE REQUEST-----";

    public static async Task<Results<Accepted<CsrAccepted>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        string id, CsrRequest? body, CsrSubmission submission, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Required("certificate_id", body?.CertificateId).Text("certificate_id", body?.CertificateId)
            .Required("csr_pem", body?.CsrPem)
            .AddIf(body?.CsrPem is { } pem && !pem.TrimStart().StartsWith(PemHeader, StringComparison.Ordinal), "csr_pem", $"must be a PEM CSR ({PemHeader})")
            .AddIf(body?.CsrPem is { Length: > 64 * 1024 }, "csr_pem", "must be at most 65536 characters");
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        try
        {
            var (outcome, jobId) = await submission.SubmitAsync(id, body!.CertificateId!, body.CsrPem!, cancellationToken);
            return outcome switch
            {
                CsrSubmission.Outcome.Accepted => TypedResults.Accepted((string?)null, new CsrAccepted("csr_accepted", jobId!, body.CertificateId!)),
                CsrSubmission.Outcome.NotMapped => TypedResults.Problem(
                    $"Certificate '{body.CertificateId}' is not deployed to any target of this agent.", statusCode: StatusCodes.Status404NotFound,
                    title: "Certificate not found"),
                _ => TypedResults.Problem(
                    $"No issuance or renewal job of certificate '{body.CertificateId}' is waiting for a CSR.", statusCode: StatusCodes.Status409Conflict,
                    title: "No job awaiting a CSR"),
            };
        }
        catch (InvalidCsrException exception)
        {
            return new FieldErrors().Add("csr_pem", exception.Message).ToProblem();
        }
        catch (DisallowedKeyException exception)
        {
            return new FieldErrors().Add("csr_pem", exception.Message).ToProblem();
        }
    }
}
