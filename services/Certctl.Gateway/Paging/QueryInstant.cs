using System.Globalization;
using Certctl.Gateway.Problems;

namespace Certctl.Gateway.Paging;

/// <summary>Time filters of the lists: RFC 3339 with an offset (or Z); anything else is a 400, never silently ignored (the original's defect).</summary>
public static class QueryInstant
{
    /// <summary>The instant, null when <paramref name="text"/> is empty; a validation problem on <paramref name="field"/> otherwise.</summary>
    public static DateTimeOffset? Parse(string field, string? text) =>
        string.IsNullOrEmpty(text) ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw DomainProblemException.Validation(field, "must be an RFC 3339 timestamp, such as 2026-01-31T00:00:00Z");
}
