using System.Globalization;
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
    public static OrderDocument From(AcmeOrder order, OrderResourceUrls urls) => new(
        order.Status,
        Timestamp(order.ExpiresAt),
        order.Identifiers,
        order.NotBefore is { } notBefore ? Timestamp(notBefore) : null,
        order.NotAfter is { } notAfter ? Timestamp(notAfter) : null,
        order.Error is { } error ? StoredProblem.ToDocument(error) : null,
        [.. order.AuthorizationIds.Select(urls.Authorization)],
        urls.Finalize(order.Id),
        order.Status == AcmeStatus.Valid && order.CertificateId is { } certificate ? urls.Certificate(certificate) : null,
        order.Replaces);

    /// <summary>RFC 3339 in UTC to the second, as ACME objects carry times.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
