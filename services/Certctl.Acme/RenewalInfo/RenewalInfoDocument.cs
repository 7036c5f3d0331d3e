using System.Globalization;
using System.Text.Json.Serialization;

namespace Certctl.Acme.RenewalInfo;

/// <summary>The RFC 9773 §4.2 RenewalInfo object: the suggested window, its instants RFC 3339 in UTC to the second.</summary>
public sealed record RenewalInfoDocument([property: JsonPropertyName("suggestedWindow")] RenewalInfoDocument.Window SuggestedWindow)
{
    public static RenewalInfoDocument From(SuggestedWindow window) => new(new Window(Format(window.Start), Format(window.End)));

    private static string Format(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The <c>suggestedWindow</c> member.</summary>
    public sealed record Window([property: JsonPropertyName("start")] string Start, [property: JsonPropertyName("end")] string End);
}
