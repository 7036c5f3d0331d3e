using System.Text;
using Certctl.Acme.Http;

namespace Certctl.Acme.Certificates;

/// <summary><c>POST …/cert/{certificateId}</c> (POST-as-GET): the PEM chain as <c>application/pem-certificate-chain</c> (RFC 8555 §9.1).</summary>
public static class CertificateEndpoint
{
    public const string PemChainContentType = "application/pem-certificate-chain";

    public static async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var chains = request.HttpContext.RequestServices.GetRequiredService<CertificateChainStore>();
        var (chain, problem) = await chains.FindAsync(request.RouteValue("certificateId"), request.RequiredAccount.Id, cancellationToken);
        return problem ?? AcmeResponse.Ok(null) with { RawBody = Encoding.ASCII.GetBytes(chain!), ContentType = PemChainContentType };
    }
}
