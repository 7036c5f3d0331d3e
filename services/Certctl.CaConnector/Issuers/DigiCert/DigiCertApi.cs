using System.Text.Json.Serialization;

namespace Certctl.CaConnector.Issuers.DigiCert;

// The CertCentral v2 shapes the connector sends and reads (POST /order/certificate/{product}, GET /order/certificate/{id}).

/// <summary>Body of <c>POST /order/certificate/{product_type}</c>.</summary>
internal sealed record DigiCertOrderRequest(
    [property: JsonPropertyName("certificate")] DigiCertOrderCertificate Certificate,
    [property: JsonPropertyName("organization")] DigiCertOrganization Organization,
    [property: JsonPropertyName("validity_years")] int ValidityYears);

internal sealed record DigiCertOrderCertificate(
    [property: JsonPropertyName("common_name")] string CommonName,
    [property: JsonPropertyName("dns_names")] IReadOnlyList<string> DnsNames,
    [property: JsonPropertyName("csr")] string Csr,
    [property: JsonPropertyName("signature_hash")] string SignatureHash);

internal sealed record DigiCertOrganization([property: JsonPropertyName("id")] long Id);

/// <summary>Answer to an order submission: the order id, and the certificate id when it was issued at once.</summary>
internal sealed record DigiCertOrderResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("certificate_id")] long? CertificateId);

/// <summary>Answer to <c>GET /order/certificate/{order_id}</c>.</summary>
internal sealed record DigiCertOrderInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("certificate")] DigiCertCertificateRef? Certificate);

internal sealed record DigiCertCertificateRef([property: JsonPropertyName("id")] long Id);

/// <summary>CertCentral's error body: <c>{"errors":[{"code":"…","message":"…"}]}</c>.</summary>
internal sealed record DigiCertErrors([property: JsonPropertyName("errors")] IReadOnlyList<DigiCertError>? Errors);

internal sealed record DigiCertError(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message);
