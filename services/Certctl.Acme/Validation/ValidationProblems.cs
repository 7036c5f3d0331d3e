using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Validation;

/// <summary>The problems a failed validation stores on its challenge (RFC 8555 §6.7), each naming the identifier it concerns.</summary>
public static class ValidationProblems
{
    /// <summary>The target could not be reached: no address, refused, reset, timed out.</summary>
    public static AcmeProblem Connection(AcmeIdentifier identifier, string detail) => Problem(AcmeProblemTypes.Connection, detail, 400, identifier);

    /// <summary>The DNS lookup itself failed (NXDOMAIN, SERVFAIL, no answer from the resolver).</summary>
    public static AcmeProblem Dns(AcmeIdentifier identifier, string detail) => Problem(AcmeProblemTypes.Dns, detail, 400, identifier);

    /// <summary>The TLS handshake failed.</summary>
    public static AcmeProblem Tls(AcmeIdentifier identifier, string detail) => Problem(AcmeProblemTypes.Tls, detail, 400, identifier);

    /// <summary>The target answered, but not with the proof (wrong body, status, TXT value, certificate).</summary>
    public static AcmeProblem IncorrectResponse(AcmeIdentifier identifier, string detail) =>
        Problem(AcmeProblemTypes.IncorrectResponse, detail, 403, identifier);

    /// <summary>The identifier resolves to an address this profile may not reach (loopback, private, link-local, metadata, …).</summary>
    public static AcmeProblem RejectedIdentifier(AcmeIdentifier identifier, string detail) =>
        Problem(AcmeProblemTypes.RejectedIdentifier, detail, 400, identifier);

    private static AcmeProblem Problem(string type, string detail, int status, AcmeIdentifier identifier) =>
        new(type, detail, status) { Identifier = identifier };
}
