using Certctl.Client.Models;
using Refit;

namespace Certctl.Client;

/// <summary>The certificate endpoints of the operator API (<c>/api/v1/certificates</c>); failures throw <see cref="ApiException"/>.</summary>
public interface ICertificatesApi
{
    /// <summary><c>GET /api/v1/certificates</c>: one keyset page, filtered.</summary>
    [Get("/api/v1/certificates")]
    Task<CertificatePage> ListCertificatesAsync([Query] CertificateListQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/certificates</c>: 201 with the created certificate.</summary>
    [Post("/api/v1/certificates")]
    Task<Certificate> CreateCertificateAsync([Body] CertificateCreateRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/certificates/{id}</c>.</summary>
    [Get("/api/v1/certificates/{id}")]
    Task<Certificate> GetCertificateAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /api/v1/certificates/{id}</c>.</summary>
    [Put("/api/v1/certificates/{id}")]
    Task<Certificate> UpdateCertificateAsync(string id, [Body] CertificateUpdateRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /api/v1/certificates/{id}</c>: archives the certificate.</summary>
    [Delete("/api/v1/certificates/{id}")]
    Task ArchiveCertificateAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/certificates/{id}/versions</c>: newest first.</summary>
    [Get("/api/v1/certificates/{id}/versions")]
    Task<CertificateVersionPage> ListCertificateVersionsAsync(
        string id, [AliasAs("limit")] int? limit = null, [AliasAs("cursor")] string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /api/v1/certificates/{id}/targets</c>: replaces the deployment targets.</summary>
    [Put("/api/v1/certificates/{id}/targets")]
    Task<Certificate> ReplaceCertificateTargetsAsync(string id, [Body] CertificateTargetsRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/certificates/{id}/renew</c>: 202 with the queued job; 409 when one is already active.</summary>
    [Post("/api/v1/certificates/{id}/renew")]
    Task<CertificateRenewalTriggered> RenewCertificateAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/certificates/{id}/revoke</c>.</summary>
    [Post("/api/v1/certificates/{id}/revoke")]
    Task<CertificateRevoked> RevokeCertificateAsync(string id, [Body] CertificateRevokeRequest request, CancellationToken cancellationToken = default);
}
