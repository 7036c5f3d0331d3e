using Certctl.Acme.Http;
using Certctl.Acme.Problems;

namespace Certctl.Acme.Jws;

/// <summary>A request refused by the JWS pipeline: the reason (the metric's <c>reason</c> label) and the problem answered.</summary>
public static class JwsRejection
{
    /// <summary>Counts the rejection under <paramref name="reason"/> and returns the problem.</summary>
    public static AcmeProblem Reject(string reason, AcmeProblem problem)
    {
        AcmeMetrics.JwsRejections.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return problem;
    }
}
