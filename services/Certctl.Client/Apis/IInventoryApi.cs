using Certctl.Client.Models;
using Refit;

namespace Certctl.Client;

/// <summary>The inventory part of the operator API: teams, owners, renewal policies, certificate profiles and issuers.</summary>
/// <remarks>Lists take <c>limit</c> (1–500) and the <c>cursor</c> of the previous page; failures throw <see cref="ApiException"/> carrying a problem document.</remarks>
public interface IInventoryApi
{
    /// <summary><c>GET /api/v1/teams</c>.</summary>
    [Get("/api/v1/teams")]
    Task<InventoryPage<Team>> ListTeamsAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/teams/{id}</c>.</summary>
    [Get("/api/v1/teams/{id}")]
    Task<Team> GetTeamAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/teams</c>.</summary>
    [Post("/api/v1/teams")]
    Task<Team> CreateTeamAsync([Body] TeamRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /api/v1/teams/{id}</c>.</summary>
    [Put("/api/v1/teams/{id}")]
    Task<Team> UpdateTeamAsync(string id, [Body] TeamRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /api/v1/teams/{id}</c>.</summary>
    [Delete("/api/v1/teams/{id}")]
    Task DeleteTeamAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/owners</c>.</summary>
    [Get("/api/v1/owners")]
    Task<InventoryPage<Owner>> ListOwnersAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/owners/{id}</c>.</summary>
    [Get("/api/v1/owners/{id}")]
    Task<Owner> GetOwnerAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/owners</c>.</summary>
    [Post("/api/v1/owners")]
    Task<Owner> CreateOwnerAsync([Body] OwnerRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /api/v1/owners/{id}</c>.</summary>
    [Put("/api/v1/owners/{id}")]
    Task<Owner> UpdateOwnerAsync(string id, [Body] OwnerRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /api/v1/owners/{id}</c>.</summary>
    [Delete("/api/v1/owners/{id}")]
    Task DeleteOwnerAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/renewal-policies</c>.</summary>
    [Get("/api/v1/renewal-policies")]
    Task<InventoryPage<RenewalPolicy>> ListRenewalPoliciesAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/renewal-policies/{id}</c>.</summary>
    [Get("/api/v1/renewal-policies/{id}")]
    Task<RenewalPolicy> GetRenewalPolicyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/renewal-policies</c>.</summary>
    [Post("/api/v1/renewal-policies")]
    Task<RenewalPolicy> CreateRenewalPolicyAsync([Body] RenewalPolicyRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /api/v1/renewal-policies/{id}</c>.</summary>
    [Put("/api/v1/renewal-policies/{id}")]
    Task<RenewalPolicy> UpdateRenewalPolicyAsync(string id, [Body] RenewalPolicyRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /api/v1/renewal-policies/{id}</c>.</summary>
    [Delete("/api/v1/renewal-policies/{id}")]
    Task DeleteRenewalPolicyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/profiles</c>.</summary>
    [Get("/api/v1/profiles")]
    Task<InventoryPage<CertificateProfile>> ListProfilesAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/profiles/{id}</c>.</summary>
    [Get("/api/v1/profiles/{id}")]
    Task<CertificateProfile> GetProfileAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/profiles</c>.</summary>
    [Post("/api/v1/profiles")]
    Task<CertificateProfile> CreateProfileAsync([Body] CertificateProfileRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /api/v1/profiles/{id}</c>.</summary>
    [Put("/api/v1/profiles/{id}")]
    Task<CertificateProfile> UpdateProfileAsync(string id, [Body] CertificateProfileRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /api/v1/profiles/{id}</c>.</summary>
    [Delete("/api/v1/profiles/{id}")]
    Task DeleteProfileAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/issuers</c> (redacted configuration).</summary>
    [Get("/api/v1/issuers")]
    Task<InventoryPage<Issuer>> ListIssuersAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/issuers/{id}</c> (redacted configuration).</summary>
    [Get("/api/v1/issuers/{id}")]
    Task<Issuer> GetIssuerAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /api/v1/issuers</c>.</summary>
    [Post("/api/v1/issuers")]
    Task<Issuer> CreateIssuerAsync([Body] IssuerRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /api/v1/issuers/{id}</c>.</summary>
    [Put("/api/v1/issuers/{id}")]
    Task<Issuer> UpdateIssuerAsync(string id, [Body] IssuerRequest body, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /api/v1/issuers/{id}</c>.</summary>
    [Delete("/api/v1/issuers/{id}")]
    Task DeleteIssuerAsync(string id, CancellationToken cancellationToken = default);
}
