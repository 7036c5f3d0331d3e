using System.Text.Json;
using System.Text.Json.Serialization;

namespace Certctl.Acme.Http;

/// <summary>The JSON shape of ACME documents: camelCase members, absent rather than null, RFC 3339 times.</summary>
public static class AcmeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>RFC 3339 UTC with second precision, as clients parse most reliably.</summary>
    public static string Time(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
