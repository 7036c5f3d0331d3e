using Certctl.Acme.Jws;

namespace Certctl.Acme.Accounts;

/// <summary>An ACME account row: one key per profile, its contacts and status (<c>valid</c>, <c>deactivated</c>, <c>revoked</c>).</summary>
public sealed record AcmeAccount(
    string Id, string ProfileId, Jwk Key, IReadOnlyList<string> Contact, string Status, DateTimeOffset CreatedAt, string? ExternalAccountKeyId)
{
    public const string Valid = "valid";
    public const string Deactivated = "deactivated";
    public const string Revoked = "revoked";

    public bool IsValid => Status == Valid;
}
