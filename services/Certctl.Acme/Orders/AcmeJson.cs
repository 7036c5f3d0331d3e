using System.Text.Json;
using System.Text.Json.Serialization;

namespace Certctl.Acme.Orders;

/// <summary>The JSON settings of ACME objects: camelCase (RFC 8555's names), absent rather than null fields.</summary>
public static class AcmeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
