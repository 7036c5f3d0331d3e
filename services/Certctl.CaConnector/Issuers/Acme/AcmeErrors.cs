using System.Net;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// Turns ACME problems into the connector errors the pipeline understands: the CA busy or failing (rateLimited,
/// serverInternal, badNonce after its retry, 429, 5xx) is transient; the account or its binding refused is the operator's
/// to fix; any other problem (rejectedIdentifier, unauthorized, malformed, badCSR, caa, a failed challenge, …) refuses this
/// request for good.
/// </summary>
public static class AcmeErrors
{
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal) { "rateLimited", "serverInternal", "badNonce" };

    private static readonly HashSet<string> OperatorMustAct = new(StringComparer.Ordinal)
    {
        "accountDoesNotExist", "externalAccountRequired", "badPublicKey", "badSignatureAlgorithm", "invalidContact", "unsupportedContact", "userActionRequired",
    };

    /// <summary>The connector error for <paramref name="problem"/>.</summary>
    public static Exception Classify(AcmeProblemException problem, string issuerId)
    {
        var name = problem.Problem.Name;
        var message = $"ACME issuer '{issuerId}': {problem.Message}";
        if (Transient.Contains(name) || problem.Status == HttpStatusCode.TooManyRequests || (int)problem.Status >= 500)
        {
            return new IssuerUnavailableException(message, problem.RetryAfter, problem);
        }

        if (OperatorMustAct.Contains(name))
        {
            return new CertificateAuthorityException(message, problem);
        }

        return new IssuerRejectedException(message);
    }
}
