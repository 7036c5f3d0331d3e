using Certctl.Acme.Http;
using System.Text.Json;
using System.Text.Json.Serialization;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Orders;

/// <summary>The JSON of a problem stored on an order or a challenge (<c>error</c> columns): the RFC 7807 fields and any subproblems.</summary>
public static class StoredProblem
{
    public static string ToJson(AcmeProblem problem) => JsonSerializer.Serialize(ToDocument(problem), AcmeJson.Options);

    public static AcmeProblem? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        var document = JsonSerializer.Deserialize<ProblemDocument>(json, AcmeJson.Options);
        return document is null ? null : FromDocument(document);
    }

    /// <summary>The wire shape of a problem inside an order, authorization or challenge object.</summary>
    public static ProblemDocument ToDocument(AcmeProblem problem) =>
        new(problem.Type, problem.Detail, problem.Status, problem.Identifier, problem.Subproblems?.Select(ToDocument).ToArray());

    private static AcmeProblem FromDocument(ProblemDocument document) =>
        new(document.Type, document.Detail ?? "", document.Status)
        {
            Identifier = document.Identifier,
            Subproblems = document.Subproblems?.Select(FromDocument).ToArray(),
        };
}

/// <summary>A problem as JSON: <c>type</c>, <c>detail</c>, <c>status</c>, optional <c>identifier</c> and <c>subproblems</c>.</summary>
public sealed record ProblemDocument(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("identifier")] AcmeIdentifier? Identifier,
    [property: JsonPropertyName("subproblems")] IReadOnlyList<ProblemDocument>? Subproblems);
