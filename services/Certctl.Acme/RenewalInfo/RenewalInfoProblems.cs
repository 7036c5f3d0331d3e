using Certctl.Acme.Problems;

namespace Certctl.Acme.RenewalInfo;

/// <summary>The renewalInfo endpoint's own errors (an unknown profile is the URL layout's, answered before it).</summary>
public static class RenewalInfoProblems
{
    public static readonly AcmeProblem Disabled = AcmeProblems.NotFound("ACME Renewal Information is disabled on this server.");

    public static readonly AcmeProblem MalformedCertId =
        AcmeProblems.Malformed("The certificate identifier is not base64url(AKI keyIdentifier) \".\" base64url(serial number) (RFC 9773 §4.1).");

    public static readonly AcmeProblem UnknownCertificate =
        AcmeProblems.NotFound("No certificate with this authority key identifier and serial number is known to this server.");
}
