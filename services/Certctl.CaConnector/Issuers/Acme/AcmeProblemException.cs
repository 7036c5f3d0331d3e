using System.Net;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>An ACME server answered with a problem document (RFC 8555 §6.7); <see cref="AcmeErrors"/> decides what it means for the job.</summary>
public sealed class AcmeProblemException(HttpStatusCode status, AcmeProblemDocument problem, TimeSpan? retryAfter, string what)
    : Exception($"ACME {what} answered {(int)status} {problem}")
{
    public const string Namespace = "urn:ietf:params:acme:error:";

    public HttpStatusCode Status { get; } = status;

    public AcmeProblemDocument Problem { get; } = problem;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
