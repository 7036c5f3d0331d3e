using Certctl.Gateway.Auth;
using Certctl.Gateway.Discovery;
using Certctl.Gateway.Targets;

namespace Certctl.Gateway.Bulk;

/// <summary>The fleet side of the operator API: bulk certificate operations, deployment targets and discovered certificates.</summary>
public static class FleetEndpoints
{
    /// <summary>
    /// Maps bulk-renew, bulk-revoke (admin), bulk-reassign, <c>/targets</c> and <c>/discovery/certificates</c> onto the authorized
    /// <c>/api/v1</c> group. The bulk paths are literal segments, so routing prefers them over <c>/certificates/{id}</c>.
    /// Needs <c>AddInventory()</c> (id generator and configuration cipher).
    /// </summary>
    public static RouteGroupBuilder MapFleetEndpoints(this RouteGroupBuilder api)
    {
        var bulk = api.MapGroup("/certificates").WithTags("Bulk operations");
        bulk.MapPost("/bulk-renew", BulkRenewal.BulkRenew).WithName("BulkRenewCertificates")
            .WithSummary("Queues one renewal (or first issuance) job per matching certificate; a repeat creates none.");
        bulk.MapPost("/bulk-revoke", BulkRevocation.BulkRevoke).WithName("BulkRevokeCertificates").RequireAdmin()
            .WithSummary("Revokes the latest version of every matching certificate (admin).");
        bulk.MapPost("/bulk-reassign", BulkReassignment.BulkReassign).WithName("BulkReassignCertificates")
            .WithSummary("Moves certificates to another owner and, optionally, team.");
        return api.MapTargetEndpoints().MapDiscoveryEndpoints();
    }
}
