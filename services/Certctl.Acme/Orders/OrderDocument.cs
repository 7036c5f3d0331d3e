using Certctl.Acme.Http;
using System.Text.Json.Serialization;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Orders;

/// <summary>The RFC 8555 §7.1.3 order object (with RFC 9773's <c>replaces</c>).</summary>
public sealed record OrderDocument(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("expires")] string Expires,
    [property: JsonPropertyName("identifiers")] IReadOnlyList<AcmeIdentifier> Identifiers,
    [property: JsonPropertyName("notBefore")] string? NotBefore,
    [property: JsonPropertyName("notAfter")] string? NotAfter,
    [property: JsonPropertyName("error")] ProblemDocument? Error,
    [property: JsonPropertyName("authorizations")] IReadOnlyList<string> Authorizations,
    [property: JsonPropertyName("finalize")] string Finalize,
    [property: JsonPropertyName("certificate")] string? Certificate,
    [property: JsonPropertyName("replaces")] string? Replaces)
{
    public static OrderDocument From(AcmeOrder order, AcmeUrls urls) => new(
        order.Status,
        AcmeJson.Time(order.ExpiresAt),
        order.Identifiers,
        order.NotBefore is { } notBefore ? AcmeJson.Time(notBefore) : null,
        order.NotAfter is { } notAfter ? AcmeJson.Time(notAfter) : null,
        order.Error is { } error ? StoredProblem.ToDocument(error) : null,
        [.. order.AuthorizationIds.Select(urls.Authorization)],
        urls.Finalize(order.Id),
        order.Status == AcmeStatus.Valid && order.CertificateId is { } certificate ? urls.Certificate(certificate) : null,
        order.Replaces);
}
