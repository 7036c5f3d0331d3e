using System.Text.Json;
using Refit;

namespace Certctl.Client;

/// <summary>The wire format the gateway speaks: System.Text.Json with snake_case property names.</summary>
public static class CertctlClientSettings
{
    /// <summary>The serializer options shared by requests, responses and problem documents (web defaults, snake_case).</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateSerializerOptions();

    /// <summary>Refit settings that read and write the gateway's snake_case JSON.</summary>
    public static RefitSettings Create() => new(new SystemTextJsonContentSerializer(SerializerOptions));

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
