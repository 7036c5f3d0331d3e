using System.Text.Json;

namespace Certctl.LoadTest.Scenarios;

/// <summary>
/// The counts of one <c>POST /api/v1/certificates/bulk-renew</c> answer:
/// <c>{ "matched": …, "created": …, "skipped": { "reason": n, … }, "failed": …, "job_ids": […] }</c>.
/// </summary>
public sealed record BulkRenewCounts(long Matched, long Created, IReadOnlyDictionary<string, long> Skipped, long Failed)
{
    /// <summary>Every skipped certificate, whatever the reason.</summary>
    public long SkippedTotal => Skipped.Values.Sum();

    /// <summary>Reads the counts from a response body; null when it is not a bulk-renew answer.</summary>
    public static BulkRenewCounts? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryCount(root, "matched", out var matched)
                || !TryCount(root, "created", out var created)
                || !root.TryGetProperty("skipped", out var skippedElement) || skippedElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var skipped = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var reason in skippedElement.EnumerateObject())
            {
                if (!reason.Value.TryGetInt64(out var count) || count < 0)
                {
                    return null;
                }

                skipped[reason.Name] = count;
            }

            return new BulkRenewCounts(matched, created, skipped, TryCount(root, "failed", out var failed) ? failed : 0);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryCount(JsonElement root, string name, out long value)
    {
        value = 0;
        return root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }
}
