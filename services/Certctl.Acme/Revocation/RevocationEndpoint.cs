using System.Text.Json;
using Certctl.Acme.Http;
using Certctl.Acme.Problems;

namespace Certctl.Acme.Revocation;

/// <summary>
/// <c>POST …/revoke-cert</c>, signed by an account (<c>kid</c>) or by the certificate's key (<c>jwk</c>); the pipeline verifies once
/// either way (the original verified twice and so always refused the key path with badNonce, its GAP-13). 200 with no body.
/// </summary>
public static class RevocationEndpoint
{
    public static async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        if (request.Payload is not { ValueKind: JsonValueKind.Object } payload)
        {
            return AcmeProblems.Malformed("The revocation payload is a JSON object with the certificate.");
        }

        var certificate = payload.TryGetProperty("certificate", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        int? reason = null;
        if (payload.TryGetProperty("reason", out var code))
        {
            if (code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out var number))
            {
                return new AcmeProblem(AcmeProblemTypes.BadRevocationReason, "reason must be an RFC 5280 reason code.", StatusCodes.Status400BadRequest);
            }

            reason = number;
        }

        var requester = request.Account is { } account ? RevocationRequester.Account(account.Id) : RevocationRequester.CertificateKey(request.Key.Thumbprint);
        var problem = await request.HttpContext.RequestServices.GetRequiredService<AcmeRevocation>()
            .RevokeAsync(certificate, reason, requester, cancellationToken);
        return problem ?? AcmeResponse.Ok(null);
    }
}
