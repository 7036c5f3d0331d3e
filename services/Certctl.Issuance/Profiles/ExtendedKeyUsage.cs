using Certctl.Domain;

namespace Certctl.Issuance;

/// <summary>An extended key usage a profile can grant, spelled on the wire as in <c>certificate_profiles.allowed_ekus</c>.</summary>
public enum ExtendedKeyUsage
{
    [WireName("serverAuth")]
    ServerAuth,

    [WireName("clientAuth")]
    ClientAuth,

    [WireName("codeSigning")]
    CodeSigning,

    [WireName("emailProtection")]
    EmailProtection,

    [WireName("timeStamping")]
    TimeStamping,
}
