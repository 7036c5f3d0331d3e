using System.Net.Http.Headers;
using System.Text.Json;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>What the flow reads out of an order (RFC 8555 §7.1.3): its status and the URLs to go on with.</summary>
public sealed record AcmeOrderState(string Status, string? Finalize, string? Certificate)
{
    /// <summary>Reads an order document; throws <see cref="FormatException"/> when it is not one.</summary>
    public static AcmeOrderState Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "status") is not { } status)
            {
                throw new FormatException("the answer is not an order (no status).");
            }

            return new AcmeOrderState(status, Text(root, "finalize"), Text(root, "certificate"));
        }
        catch (JsonException ex)
        {
            throw new FormatException("the answer is not JSON: " + ex.Message, ex);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}

/// <summary>Small readings of ACME answers the flow needs: problem types, how long to wait before polling again.</summary>
public static class AcmeAnswer
{
    private const string ErrorPrefix = "urn:ietf:params:acme:error:";

    /// <summary>
    /// The short ACME problem type of an error answer (<c>badNonce</c>, <c>rateLimited</c>, …), or null when the body is no
    /// ACME problem document.
    /// </summary>
    public static string? ProblemType(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && type.GetString() is { } text && text.StartsWith(ErrorPrefix, StringComparison.Ordinal) && text.Length > ErrorPrefix.Length
                ? text[ErrorPrefix.Length..]
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// How long to wait before the next poll: the server's Retry-After, but never more than <paramref name="cap"/> (a load test
    /// wants to see the order turn valid, not the hint's whole seconds) and <paramref name="cap"/> when there is no hint.
    /// </summary>
    public static TimeSpan PollDelay(RetryConditionHeaderValue? retryAfter, DateTimeOffset now, TimeSpan cap)
    {
        var hint = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : null);
        return hint is { } wait ? TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, cap.Ticks)) : cap;
    }
}
