using System.Text.Json;
using Refit;

namespace Certctl.Agent.Client;

/// <summary>The agent protocol's wire format: System.Text.Json, snake_case names, nulls left out.</summary>
public static class AgentJson
{
    /// <summary>Serializer options shared by the Refit client and the state file.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Refit settings that speak <see cref="Options"/>.</summary>
    public static RefitSettings RefitSettings() => new(new SystemTextJsonContentSerializer(Options));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
