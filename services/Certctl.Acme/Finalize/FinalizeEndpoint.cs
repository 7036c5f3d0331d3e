using Certctl.Acme.Http;
using Certctl.Acme.Orders;

namespace Certctl.Acme.Finalize;

/// <summary><c>POST …/order/{orderId}/finalize</c>: the order, <c>processing</c> with <c>Retry-After</c> until its certificate is issued.</summary>
public static class FinalizeEndpoint
{
    public static async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var finalize = request.HttpContext.RequestServices.GetRequiredService<FinalizeRequests>();
        var (order, problem) = await finalize.FinalizeAsync(request.RequiredAccount.Id, request.RouteValue("orderId"), request.Payload, cancellationToken);
        return problem ?? OrderEndpoints.Answer(order!, request);
    }
}
