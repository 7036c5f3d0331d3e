using Certctl.Acme.Http;

namespace Certctl.Acme.RenewalInfo;

/// <summary>The RFC 9773 §4.2 RenewalInfo object: the suggested window, its instants RFC 3339 in UTC to the second.</summary>
public sealed record RenewalInfoDocument(RenewalInfoDocument.Window SuggestedWindow)
{
    public static RenewalInfoDocument From(SuggestedWindow window) => new(new Window(AcmeJson.Time(window.Start), AcmeJson.Time(window.End)));

    /// <summary>The <c>suggestedWindow</c> member.</summary>
    public sealed record Window(string Start, string End);
}
