namespace Certctl.Acme.Protocol;

/// <summary>An RFC 8555 §7.1.4 identifier: <c>type</c> is <c>dns</c> or <c>ip</c>; a wildcard keeps its <c>*.</c> only in orders.</summary>
public sealed record AcmeIdentifier(string Type, string Value);
