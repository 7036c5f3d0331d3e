using Certctl.Client.Models;
using Refit;

namespace Certctl.Client;

/// <summary>Bulk certificate operations, deployment targets and discovered certificates; failures throw <see cref="ApiException"/>.</summary>
public interface IFleetApi
{
    /// <summary><c>POST /api/v1/certificates/bulk-renew</c>.</summary>
    [Post("/api/v1/certificates/bulk-renew")]
    Task<BulkRenewResult> BulkRenewCertificatesAsync([Body] BulkRenewRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/certificates/bulk-revoke</c> (admin key).</summary>
    [Post("/api/v1/certificates/bulk-revoke")]
    Task<BulkRevokeResult> BulkRevokeCertificatesAsync([Body] BulkRevokeRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/certificates/bulk-reassign</c>.</summary>
    [Post("/api/v1/certificates/bulk-reassign")]
    Task<BulkReassignResult> BulkReassignCertificatesAsync([Body] BulkReassignRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/targets</c>.</summary>
    [Get("/api/v1/targets")]
    Task<InventoryPage<DeploymentTarget>> ListTargetsAsync(
        int? limit = null, string? cursor = null, [AliasAs("agent_id")] string? agentId = null, string? type = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/targets/{id}</c>.</summary>
    [Get("/api/v1/targets/{id}")]
    Task<DeploymentTarget> GetTargetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/targets</c>.</summary>
    [Post("/api/v1/targets")]
    Task<DeploymentTarget> CreateTargetAsync([Body] DeploymentTargetRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /api/v1/targets/{id}</c>.</summary>
    [Put("/api/v1/targets/{id}")]
    Task<DeploymentTarget> UpdateTargetAsync(string id, [Body] DeploymentTargetRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /api/v1/targets/{id}</c>.</summary>
    [Delete("/api/v1/targets/{id}")]
    Task DeleteTargetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/discovery/certificates</c>.</summary>
    [Get("/api/v1/discovery/certificates")]
    Task<InventoryPage<DiscoveredCertificate>> ListDiscoveredCertificatesAsync(
        int? limit = null, string? cursor = null, [AliasAs("agent_id")] string? agentId = null, string? status = null, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/discovery/certificates/{id}/claim</c>.</summary>
    [Post("/api/v1/discovery/certificates/{id}/claim")]
    Task<DiscoveredCertificate> ClaimDiscoveredCertificateAsync(string id, [Body] ClaimDiscoveredCertificateRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/discovery/certificates/{id}/dismiss</c>.</summary>
    [Post("/api/v1/discovery/certificates/{id}/dismiss")]
    Task<DiscoveredCertificate> DismissDiscoveredCertificateAsync(string id, CancellationToken cancellationToken = default);
}
