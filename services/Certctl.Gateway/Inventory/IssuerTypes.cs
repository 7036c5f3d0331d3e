namespace Certctl.Gateway.Inventory;

/// <summary>The issuer types, and the case-insensitive aliases clients may send for them (§4.3).</summary>
public static class IssuerTypes
{
    private static readonly Dictionary<string, string> Canonical = new(StringComparer.OrdinalIgnoreCase)
    {
        ["acme"] = "ACME",
        ["genericca"] = "GenericCA",
        ["local"] = "GenericCA",
        ["local_ca"] = "GenericCA",
        ["stepca"] = "StepCA",
        ["openssl"] = "OpenSSL",
        ["vaultpki"] = "VaultPKI",
        ["digicert"] = "DigiCert",
        ["sectigo"] = "Sectigo",
        ["googlecas"] = "GoogleCAS",
        ["awsacmpca"] = "AWSACMPCA",
        ["entrust"] = "Entrust",
        ["globalsign"] = "GlobalSign",
        ["ejbca"] = "EJBCA",
    };

    /// <summary>The stored type name for <paramref name="type"/>, or null when it is not a known type or alias.</summary>
    public static string? Normalize(string? type) =>
        type is not null && Canonical.TryGetValue(type.Trim(), out var canonical) ? canonical : null;
}
