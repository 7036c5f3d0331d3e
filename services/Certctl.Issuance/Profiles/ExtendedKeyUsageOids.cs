using System.Security.Cryptography;

namespace Certctl.Issuance;

/// <summary>The RFC 5280 object identifiers of the extended key usages.</summary>
public static class ExtendedKeyUsageOids
{
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    public const string EmailProtection = "1.3.6.1.5.5.7.3.4";
    public const string TimeStamping = "1.3.6.1.5.5.7.3.8";

    public static Oid ToOid(this ExtendedKeyUsage usage) => usage switch
    {
        ExtendedKeyUsage.ServerAuth => new Oid(ServerAuth, "Server Authentication"),
        ExtendedKeyUsage.ClientAuth => new Oid(ClientAuth, "Client Authentication"),
        ExtendedKeyUsage.CodeSigning => new Oid(CodeSigning, "Code Signing"),
        ExtendedKeyUsage.EmailProtection => new Oid(EmailProtection, "Secure Email"),
        ExtendedKeyUsage.TimeStamping => new Oid(TimeStamping, "Time Stamping"),
        _ => throw new ArgumentOutOfRangeException(nameof(usage), usage, "Not an extended key usage."),
    };
}
