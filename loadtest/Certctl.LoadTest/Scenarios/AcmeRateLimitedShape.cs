using System.Text.Json;

namespace Certctl.LoadTest.Scenarios;

/// <summary>What every ACME 429 owes its client (RFC 8555 §6.6): a <c>rateLimited</c> problem document and a <c>Retry-After</c>.</summary>
public static class AcmeRateLimitedShape
{
    public const string ProblemType = "urn:ietf:params:acme:error:rateLimited";

    /// <summary>True when the 429 is <c>application/problem+json</c> of type rateLimited, status 429, with a positive Retry-After.</summary>
    public static async Task<bool> IsWellFormedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var retryAfter = response.Headers.RetryAfter;
        var waits = retryAfter?.Delta is { } delta ? delta > TimeSpan.Zero : retryAfter?.Date is not null;
        if (!waits || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = problem.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == ProblemType
                && (!root.TryGetProperty("status", out var status) || (status.ValueKind == JsonValueKind.Number && status.GetInt32() == 429));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
