namespace Certctl.Gateway.Pki;

/// <summary>The public PKI endpoints under <c>/.well-known/pki</c>: CRLs and OCSP, anonymous because relying parties have no key.</summary>
public static class PkiEndpoints
{
    public const string BasePath = "/.well-known/pki";

    /// <summary>Maps the CRL and the two OCSP forms.</summary>
    public static RouteGroupBuilder MapPkiEndpoints(this IEndpointRouteBuilder routes)
    {
        var pki = routes.MapGroup(BasePath).AllowAnonymous().WithTags("PKI");
        pki.MapGet("/crl/{issuer_id}", CrlEndpoint.GetCrl).WithName("GetCrl")
            .WithSummary("The issuer's DER CRL (strong ETag; If-None-Match gives 304; 503 with Retry-After until the first one is made).")
            .Produces<byte[]>(StatusCodes.Status200OK, CrlEndpoint.ContentType)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        pki.MapPost("/ocsp/{issuer_id}", OcspEndpoints.Post).WithName("PostOcspRequest")
            .WithSummary("RFC 6960 OCSP over POST: a DER OCSPRequest in, a DER OCSPResponse out (signed by the issuer's OCSP responder).")
            .Accepts<byte[]>(OcspEndpoints.RequestType)
            .Produces<byte[]>(StatusCodes.Status200OK, OcspEndpoints.ResponseType)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        pki.MapGet("/ocsp/{issuer_id}/{**request}", OcspEndpoints.Get).WithName("GetOcspRequest")
            .WithSummary("RFC 6960 OCSP over GET: the base64 DER OCSPRequest (URL-encoded) as the rest of the path.")
            .Produces<byte[]>(StatusCodes.Status200OK, OcspEndpoints.ResponseType);
        return pki;
    }
}
