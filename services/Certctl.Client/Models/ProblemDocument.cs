namespace Certctl.Client.Models;

/// <summary>An RFC 7807 problem document as the gateway writes it (with its request and trace ids and field errors).</summary>
public sealed record ProblemDocument(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    string? Instance,
    string? RequestId,
    string? TraceId,
    IReadOnlyDictionary<string, string[]>? Errors);
