namespace Certctl.Gateway.Auth;

/// <summary>The keys parsed from configuration and, when it is invalid, every error found.</summary>
public sealed record ApiKeyParseResult(IReadOnlyList<ApiKeyEntry> Entries, IReadOnlyList<string> Errors);
