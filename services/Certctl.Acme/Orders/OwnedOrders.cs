using Certctl.Acme.Problems;

namespace Certctl.Acme.Orders;

/// <summary>An order as its account sees it: 404 when there is none, 403 when it belongs to another account.</summary>
public sealed class OwnedOrders(OrderStore orders)
{
    public async Task<(AcmeOrder? Order, AcmeProblem? Problem)> FindAsync(string accountId, string orderId, CancellationToken cancellationToken)
    {
        var order = await orders.FindAsync(orderId, cancellationToken);
        if (order is null)
        {
            return (null, new AcmeProblem(AcmeProblemTypes.Malformed, "The order does not exist.", StatusCodes.Status404NotFound));
        }

        return order.AccountId == accountId
            ? (order, null)
            : (null, new AcmeProblem(AcmeProblemTypes.Unauthorized, "The order belongs to another account.", StatusCodes.Status403Forbidden));
    }
}
