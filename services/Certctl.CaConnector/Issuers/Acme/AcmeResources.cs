using System.Text.Json.Serialization;

namespace Certctl.CaConnector.Issuers.Acme;

// The RFC 8555 resources the client reads and writes (§7.1); unknown members are ignored.

/// <summary>The directory (§7.1.1).</summary>
public sealed record AcmeDirectory(
    [property: JsonPropertyName("newNonce")] string NewNonce,
    [property: JsonPropertyName("newAccount")] string NewAccount,
    [property: JsonPropertyName("newOrder")] string NewOrder,
    [property: JsonPropertyName("meta")] AcmeDirectoryMeta? Meta);

public sealed record AcmeDirectoryMeta(
    [property: JsonPropertyName("externalAccountRequired")] bool? ExternalAccountRequired,
    [property: JsonPropertyName("profiles")] Dictionary<string, string>? Profiles);

/// <summary>An account (§7.1.2).</summary>
public sealed record AcmeAccount([property: JsonPropertyName("status")] string? Status);

/// <summary>An identifier (§7.1.3), e.g. <c>{"type":"dns","value":"www.example.com"}</c>.</summary>
public sealed record AcmeIdentifier(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] string Value);

/// <summary>An order (§7.1.3).</summary>
public sealed record AcmeOrder(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("identifiers")] IReadOnlyList<AcmeIdentifier>? Identifiers,
    [property: JsonPropertyName("authorizations")] IReadOnlyList<string>? Authorizations,
    [property: JsonPropertyName("finalize")] string? Finalize,
    [property: JsonPropertyName("certificate")] string? Certificate,
    [property: JsonPropertyName("error")] AcmeProblemDocument? Error);

/// <summary>An authorization (§7.1.4).</summary>
public sealed record AcmeAuthorization(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("identifier")] AcmeIdentifier Identifier,
    [property: JsonPropertyName("challenges")] IReadOnlyList<AcmeChallenge>? Challenges,
    [property: JsonPropertyName("wildcard")] bool? Wildcard);

/// <summary>A challenge (§7.1.5, §8).</summary>
public sealed record AcmeChallenge(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("error")] AcmeProblemDocument? Error);

/// <summary>An RFC 7807 problem document as ACME sends it (§6.7), with its subproblems.</summary>
public sealed record AcmeProblemDocument(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("subproblems")] IReadOnlyList<AcmeProblemDocument>? Subproblems)
{
    /// <summary>The ACME error name without the <c>urn:ietf:params:acme:error:</c> prefix.</summary>
    public string Name => Type is { } type && type.StartsWith(AcmeProblemException.Namespace, StringComparison.Ordinal) ? type[AcmeProblemException.Namespace.Length..] : Type ?? "about:blank";

    public override string ToString()
    {
        var text = $"{Name}: {Detail}";
        return Subproblems is { Count: > 0 } subproblems ? $"{text} ({string.Join("; ", subproblems.Select(p => p.ToString()))})" : text;
    }
}
