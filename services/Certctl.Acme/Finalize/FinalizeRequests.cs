using System.Text.Json;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;

namespace Certctl.Acme.Finalize;

/// <summary>
/// A finalize request end to end: the account's order, its state (a processing or valid order is answered as it is; anything but
/// ready is <c>orderNotReady</c>), the CSR against the order and the profile, then <see cref="OrderFinalization"/>.
/// </summary>
public sealed class FinalizeRequests(OwnedOrders orders, AcmeProfilePolicies profiles, OrderFinalization finalization)
{
    public async Task<(AcmeOrder? Order, AcmeProblem? Problem)> FinalizeAsync(
        string accountId, string orderId, JsonElement? payload, CancellationToken cancellationToken)
    {
        var (order, problem) = await orders.FindAsync(accountId, orderId, cancellationToken);
        if (order is null)
        {
            return (null, problem);
        }

        if (order.Status is AcmeStatus.Processing or AcmeStatus.Valid)
        {
            return (order, null);
        }

        if (order.Status != AcmeStatus.Ready)
        {
            return (null, OrderFinalization.NotReady(order.Status));
        }

        if (FinalizePayload.Parse(payload) is not { } request)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Malformed, "The finalize payload is not a JSON object.", StatusCodes.Status400BadRequest));
        }

        var profile = await profiles.FindAsync(order.ProfileId, cancellationToken);
        if (profile is null)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.ServerInternal, "The order's certificate profile no longer exists.",
                StatusCodes.Status500InternalServerError));
        }

        var (csrPem, commonName, refused) = FinalizeCsr.Check(request.Csr, order, profile);
        return refused is not null
            ? (null, refused)
            : await finalization.FinalizeAsync(order, csrPem!, commonName!, profile.RequiresApproval, cancellationToken);
    }
}
