using Certctl.Gateway.Bulk;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Inventory;
using Certctl.Gateway.Jobs;

namespace Certctl.Gateway;

/// <summary>Every resource of the operator API, mapped onto the authorized group; Program.cs and the tests use this one list.</summary>
public static class OperatorEndpoints
{
    /// <summary><c>app.MapOperatorApi().MapOperatorEndpoints()</c>.</summary>
    public static RouteGroupBuilder MapOperatorEndpoints(this RouteGroupBuilder api)
    {
        api.MapInventoryEndpoints();   // teams, owners, renewal policies, certificate profiles, issuers
        api.MapCertificateEndpoints(); // certificates: list, CRUD, versions, targets, renew, revoke
        api.MapFleetEndpoints();       // bulk renew/revoke/reassign, deployment targets, discovered certificates
        api.MapOperationsEndpoints();  // jobs (cancel, two-person approval), agents (operator side, retire), audit list, stats
        return api;
    }
}
