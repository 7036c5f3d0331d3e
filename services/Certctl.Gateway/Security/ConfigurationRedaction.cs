using System.Text.Json.Nodes;

namespace Certctl.Gateway.Security;

/// <summary>Masks secret-looking values of a configuration object and puts stored secrets back where a client echoed the mask.</summary>
public static class ConfigurationRedaction
{
    /// <summary>What a secret value is shown as; sent back on update it means "keep the stored value".</summary>
    public const string Mask = "********";

    private static readonly string[] SecretMarkers = ["password", "secret", "token", "key", "hmac", "private", "credential"];

    /// <summary>True when a key's name suggests its value is a secret.</summary>
    public static bool IsSecretName(string name) => SecretMarkers.Any(marker => name.Contains(marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>A copy of <paramref name="config"/> with every string under a secret-named key, at any depth, replaced by <see cref="Mask"/>.</summary>
    public static JsonObject Redact(JsonObject config) => (JsonObject)RedactNode(config, secret: false)!;

    /// <summary>
    /// A copy of <paramref name="incoming"/> where each <see cref="Mask"/> value is replaced by the value at the same path in
    /// <paramref name="stored"/>; the paths of masks with nothing stored to keep are returned in <paramref name="unmatched"/>.
    /// </summary>
    public static JsonObject KeepMaskedSecrets(JsonObject incoming, JsonObject? stored, List<string> unmatched) =>
        (JsonObject)Merge(incoming, stored, "config", unmatched)!;

    /// <summary>The paths of every <see cref="Mask"/> value in <paramref name="config"/>.</summary>
    public static List<string> MaskedPaths(JsonObject config)
    {
        var unmatched = new List<string>();
        Merge(config, stored: null, "config", unmatched);
        return unmatched;
    }

    private static JsonNode? RedactNode(JsonNode? node, bool secret) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(pair => KeyValuePair.Create(pair.Key, RedactNode(pair.Value, secret || IsSecretName(pair.Key))))),
        JsonArray array => new JsonArray(array.Select(item => RedactNode(item, secret)).ToArray()),
        JsonValue value when secret && value.GetValueKind() == System.Text.Json.JsonValueKind.String => JsonValue.Create(Mask),
        _ => node?.DeepClone(),
    };

    private static JsonNode? Merge(JsonNode? incoming, JsonNode? stored, string path, List<string> unmatched)
    {
        switch (incoming)
        {
            case JsonObject obj:
                var storedObject = stored as JsonObject;
                return new JsonObject(obj.Select(pair => KeyValuePair.Create(
                    pair.Key, Merge(pair.Value, storedObject?[pair.Key], $"{path}.{pair.Key}", unmatched))));
            case JsonArray array:
                var storedArray = stored as JsonArray;
                return new JsonArray(array.Select((item, i) => Merge(
                    item, storedArray is not null && i < storedArray.Count ? storedArray[i] : null, $"{path}[{i}]", unmatched)).ToArray());
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String && value.GetValue<string>() == Mask:
                if (stored is null)
                {
                    unmatched.Add(path);
                    return value.DeepClone();
                }

                return stored.DeepClone();
            default:
                return incoming?.DeepClone();
        }
    }
}
