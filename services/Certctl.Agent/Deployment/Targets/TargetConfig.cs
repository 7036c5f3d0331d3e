using System.Globalization;
using System.Text.Json;

namespace Certctl.Agent.Deployment.Targets;

/// <summary>A target's decrypted <c>target_config</c> object, read by key name; a missing or null key reads as absent.</summary>
public sealed class TargetConfig(JsonElement? config)
{
    private readonly JsonElement? _config = config is { ValueKind: JsonValueKind.Object } ? config : null;

    /// <summary>A text value, or null when absent or empty.</summary>
    public string? Text(string key) =>
        Value(key) is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>A text value that must be present.</summary>
    public string Required(string key, string targetType) =>
        Text(key) ?? throw new TargetConfigException($"{targetType} target_config needs '{key}'.");

    /// <summary>An absolute path value, or null when absent.</summary>
    public string? PathValue(string key)
    {
        var path = Text(key);
        if (path is not null && !Path.IsPathFullyQualified(path))
        {
            throw new TargetConfigException($"target_config '{key}' must be an absolute path (got '{path}').");
        }

        return path;
    }

    /// <summary>An integer value, or null when absent.</summary>
    public int? Integer(string key) => Value(key) switch
    {
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var value) => value,
        { ValueKind: JsonValueKind.String } text when int.TryParse(text.GetString(), CultureInfo.InvariantCulture, out var value) => value,
        null => null,
        _ => throw new TargetConfigException($"target_config '{key}' must be an integer."),
    };

    /// <summary>
    /// A file mode: an octal string (<c>"0640"</c>) or, as the original stores Go's <c>os.FileMode</c>, a JSON number
    /// holding the mode bits (416 for 0640).
    /// </summary>
    public UnixFileMode? Mode(string key)
    {
        var value = Value(key);
        int bits;
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind == JsonValueKind.String)
        {
            try
            {
                bits = Convert.ToInt32(value.Value.GetString(), 8);
            }
            catch (Exception exception) when (exception is FormatException or OverflowException or ArgumentException)
            {
                throw new TargetConfigException($"target_config '{key}' must be an octal mode such as \"0640\".");
            }
        }
        else if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt32(out bits))
        {
            throw new TargetConfigException($"target_config '{key}' must be an octal mode such as \"0640\".");
        }

        if (bits is <= 0 or > 0xFFF)
        {
            throw new TargetConfigException($"target_config '{key}' is not a file mode.");
        }

        return (UnixFileMode)bits;
    }

    private JsonElement? Value(string key) =>
        _config is { } config && config.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}

/// <summary>A target's configuration cannot be used; the job fails with this message.</summary>
public sealed class TargetConfigException(string message) : Exception(message);
