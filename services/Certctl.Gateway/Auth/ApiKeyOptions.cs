namespace Certctl.Gateway.Auth;

/// <summary>The operator keys from <c>CERTCTL_API_KEYS_NAMED</c>, already hashed: the options never hold a key itself.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Configuration key (environment variable) of the named keys: <c>name:key[:admin]</c>, comma-separated.</summary>
    public const string NamedKeysVariable = "CERTCTL_API_KEYS_NAMED";

    /// <summary>The configured keys.</summary>
    public IReadOnlyList<ApiKeyEntry> Keys { get; private set; } = [];

    /// <summary>What was wrong with the configuration; start-up fails when there is anything here.</summary>
    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>Parses and hashes <paramref name="specification"/>; the raw text is not kept.</summary>
    public void Load(string? specification)
    {
        var parsed = ApiKeyParser.Parse(specification);
        Keys = parsed.Entries;
        Errors = parsed.Errors;
    }
}
