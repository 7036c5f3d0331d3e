using System.Globalization;

namespace Certctl.Gateway.Pki;

/// <summary>
/// The RFC 6960 OCSP responder of each local CA issuer: <c>POST /.well-known/pki/ocsp/{issuer_id}</c> with a DER
/// <c>application/ocsp-request</c> body, or <c>GET /.well-known/pki/ocsp/{issuer_id}/{base64 request}</c> (appendix A.1). The answer is
/// always <c>application/ocsp-response</c>; a request that cannot be read gets the <c>malformedRequest</c> status, not an HTTP error.
/// </summary>
public static class OcspEndpoints
{
    public const string RequestType = "application/ocsp-request";
    public const string ResponseType = "application/ocsp-response";

    /// <summary>Largest request read (real ones are a few hundred bytes); a longer one is malformed.</summary>
    public const int MaxRequestLength = 16 * 1024;

    /// <summary>POST form; 415 problem when the body is declared as anything but an OCSP request.</summary>
    public static async Task<IResult> Post(string issuer_id, HttpRequest request, OcspAnswers answers, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.ContentType is { Length: > 0 } type && !type.Contains("ocsp-request", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not an OCSP request",
                detail: $"Send the DER OCSPRequest as {RequestType}.");
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        return await AnswerAsync(issuer_id, body, request.HttpContext, answers, time, cancellationToken);
    }

    /// <summary>GET form: the DER request in base64 (URL-encoded, or base64url) as the rest of the path.</summary>
    public static Task<IResult> Get(string issuer_id, string request, HttpContext http, OcspAnswers answers, TimeProvider time, CancellationToken cancellationToken) =>
        AnswerAsync(issuer_id, DecodePathRequest(request), http, answers, time, cancellationToken);

    private static async Task<IResult> AnswerAsync(
        string issuerId, byte[]? der, HttpContext http, OcspAnswers answers, TimeProvider time, CancellationToken cancellationToken)
    {
        var answer = der is null ? OcspStatusResponses.MalformedRequest : await answers.AnswerAsync(issuerId, der, cancellationToken);
        var maxAge = answer is { Cacheable: true, NextUpdate: { } nextUpdate }
            ? (long)Math.Max(0, (nextUpdate - time.GetUtcNow()).TotalSeconds)
            : 0;
        http.Response.Headers.CacheControl = maxAge > 0
            ? string.Create(CultureInfo.InvariantCulture, $"public, max-age={maxAge}, no-transform, must-revalidate")
            : "no-cache";
        return TypedResults.Bytes(answer.ResponseDer, ResponseType);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxRequestLength)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxRequestLength)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == 0 ? null : buffer.ToArray();
    }

    private static byte[]? DecodePathRequest(string encoded)
    {
        var text = Uri.UnescapeDataString(encoded).Replace('-', '+').Replace('_', '/');
        if (text.Length == 0 || text.Length > MaxRequestLength * 2)
        {
            return null;
        }

        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) && written > 0 ? bytes[..written] : null;
    }
}
