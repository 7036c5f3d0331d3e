using Certctl.Client.Models;
using Refit;

namespace Certctl.Client;

/// <summary>The Certctl operator REST API (<c>/api/v1</c>) as a Refit interface; failures throw <see cref="ApiException"/>.</summary>
/// <remarks>Add each gateway endpoint group here as it lands, one method per route, models in <c>Certctl.Client.Models</c>.</remarks>
public interface ICertctlApi : ICertificatesApi, IInventoryApi, IOperationsApi, IFleetApi
{
    /// <summary><c>GET /api/v1/version</c>: the running build (no key needed).</summary>
    [Get("/api/v1/version")]
    Task<VersionInfo> GetVersionAsync(CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/v1/auth/check</c>: validates the API key; a bad or missing key is a 401 problem.</summary>
    [Get("/api/v1/auth/check")]
    Task<AuthCheck> CheckAuthAsync(CancellationToken cancellationToken = default);
}
