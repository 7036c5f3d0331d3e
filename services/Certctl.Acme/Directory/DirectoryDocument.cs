using System.Text.Json.Serialization;

namespace Certctl.Acme.Directory;

/// <summary>The RFC 8555 §7.1.1 directory object (plus RFC 9773's <c>renewalInfo</c>).</summary>
internal sealed record DirectoryDocument(
    string NewNonce, string NewAccount, string NewOrder, string RevokeCert, string KeyChange, string? RenewalInfo, DirectoryMeta? Meta);

/// <summary>The directory's <c>meta</c>: present only when one of its members is.</summary>
internal sealed record DirectoryMeta(
    string? TermsOfService,
    string? Website,
    IReadOnlyList<string>? CaaIdentities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool ExternalAccountRequired);
