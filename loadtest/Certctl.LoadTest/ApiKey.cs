using System.Net.Http.Headers;

namespace Certctl.LoadTest;

/// <summary>
/// The operator API key a scenario sends as <c>Authorization: Bearer</c>. Its text never appears in ToString, so a record
/// that carries it (<see cref="LoadOptions"/>, the scenario context) can be printed without leaking it.
/// </summary>
public sealed class ApiKey
{
    /// <summary>The environment variable read when <c>--api-key</c> is not given; the same one the suite's AppHost reads.</summary>
    public const string EnvironmentVariable = "CERTCTL_API_KEY";

    public ApiKey(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value.Trim();
    }

    public string Value { get; }

    /// <summary>A new header value per request: header objects belong to the request they are set on.</summary>
    public AuthenticationHeaderValue Header() => new("Bearer", Value);

    public override string ToString() => "(api key)";
}
