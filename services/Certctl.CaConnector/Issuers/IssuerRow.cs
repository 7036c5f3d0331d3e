namespace Certctl.CaConnector.Issuers;

/// <summary>The <c>issuers</c> columns the registry needs; <see cref="ConfigurationJson"/> is the decrypted configuration.</summary>
public sealed record IssuerRow(string Id, string Type, bool Enabled, string ConfigurationJson)
{
    /// <summary>The local CA's type names: the schema's <c>GenericCA</c> and the original's aliases, in any case.</summary>
    public bool IsLocalCa => Type.ToLowerInvariant() is "genericca" or "local" or "local_ca";
}
