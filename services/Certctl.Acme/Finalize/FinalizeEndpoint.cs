using Certctl.Acme.Http;
using Certctl.Acme.Orders;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Finalize;

/// <summary>
/// <c>POST …/order/{orderId}/finalize</c>: starts the issuance, then waits up to <see cref="AcmeOrderOptions.FinalizeWait"/> for it.
/// An order issued by then is answered <c>valid</c> with its certificate URL, as Let's Encrypt answers, so the client needs no poll;
/// one still processing (a slow CA, an approval gate, a lost signal) is answered <c>processing</c> with <c>Retry-After</c>.
/// </summary>
public static class FinalizeEndpoint
{
    public static async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var services = request.HttpContext.RequestServices;
        var wait = services.GetRequiredService<IOptions<AcmeOrderOptions>>().Value.FinalizeWait;
        var accountId = request.RequiredAccount.Id;
        var orderId = request.RouteValue("orderId");

        // Registered before the issuance starts, so an outcome that comes back at once is not missed.
        using var outcome = wait > TimeSpan.Zero ? services.GetRequiredService<OrderOutcomeSignals>().Register(orderId) : null;
        var (order, problem) = await services.GetRequiredService<FinalizeRequests>()
            .FinalizeAsync(accountId, orderId, request.Payload, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (outcome is not null && order!.Status == AcmeStatus.Processing && !order.AwaitingApproval
            && await outcome.WaitAsync(wait, services.GetRequiredService<TimeProvider>(), cancellationToken) is { } status)
        {
            // Valid needs nothing the request does not hold (the certificate URL is the certificate id's); a failure's reason is read.
            var (current, _) = status == AcmeStatus.Valid
                ? (order with { Status = AcmeStatus.Valid }, null)
                : await services.GetRequiredService<OwnedOrders>().FindAsync(accountId, orderId, cancellationToken);
            order = current ?? order;
        }

        return OrderEndpoints.Answer(order!, request);
    }
}
