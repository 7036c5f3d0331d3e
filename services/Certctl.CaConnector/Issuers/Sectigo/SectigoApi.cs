using System.Text.Json.Serialization;

namespace Certctl.CaConnector.Issuers.Sectigo;

// The Sectigo Certificate Manager REST shapes the connector sends and reads (POST /ssl/v1/enroll, GET /ssl/v1/{sslId}).

/// <summary>Body of <c>POST /ssl/v1/enroll</c>.</summary>
internal sealed record SectigoEnrollRequest(
    [property: JsonPropertyName("orgId")] int OrgId,
    [property: JsonPropertyName("csr")] string Csr,
    [property: JsonPropertyName("certType")] int CertType,
    [property: JsonPropertyName("term")] int Term,
    [property: JsonPropertyName("subjAltNames")] string SubjAltNames,
    [property: JsonPropertyName("comments")] string Comments);

internal sealed record SectigoEnrollResponse([property: JsonPropertyName("sslId")] long SslId);

/// <summary>Answer to <c>GET /ssl/v1/{sslId}</c>.</summary>
internal sealed record SectigoStatus(
    [property: JsonPropertyName("sslId")] long SslId,
    [property: JsonPropertyName("status")] string? Status);

/// <summary>Sectigo's error body: <c>{"code":-183,"description":"…"}</c>.</summary>
internal sealed record SectigoError(
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("description")] string? Description);
