namespace Certctl.LoadTest.Scenarios;

/// <summary>
/// One load scenario: what request to send for each arrival and how to judge its response.
/// Instances are built per run from a <see cref="ScenarioContext"/> and must be safe to call from many threads.
/// </summary>
public interface IScenario
{
    /// <summary>Name used on the command line and in result file names (snake_case).</summary>
    string Name { get; }

    /// <summary>One line for --help.</summary>
    string Description { get; }

    /// <summary>Rate, duration and thresholds used when the command line does not say otherwise.</summary>
    ScenarioDefaults Defaults { get; }

    /// <summary>Builds the request for arrival number <paramref name="sequence"/> (0-based, warm-up included).</summary>
    HttpRequestMessage CreateRequest(long sequence);

    /// <summary>Runs once before the first step and is not measured: fetch ids to address, check the target is up, …</summary>
    Task PrepareAsync(HttpClient client, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Judges a response whose body has been read: null when it is what the scenario expects, otherwise the error kind to
    /// count it under. By default any status of 400 or above is an error of kind <see cref="ErrorKinds.HttpStatus"/>.
    /// </summary>
    ValueTask<string?> CheckAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult((int)response.StatusCode < 400 ? null : ErrorKinds.HttpStatus);

    /// <summary>
    /// The endpoint arrival <paramref name="sequence"/> addresses (e.g. <c>directory</c>), when the scenario mixes several: each
    /// gets a latency histogram of its own, and thresholds may name it (<c>directory.p95&lt;20ms</c>). Null: one histogram only.
    /// </summary>
    string? EndpointOf(long sequence) => null;

    /// <summary>
    /// What the scenario counted in the responses it checked, over the whole run (warm-up and every ramp step included),
    /// in the order to show them; empty when it counts nothing beyond status codes.
    /// </summary>
    IReadOnlyList<ResponseCount> ResponseCounts() => [];
}

/// <summary>One figure a scenario read out of the responses, e.g. <c>created 10000</c>.</summary>
public sealed record ResponseCount(string Name, long Value);

/// <summary>What a scenario runs with unless told otherwise.</summary>
public sealed record ScenarioDefaults(double Rate, TimeSpan Duration, IReadOnlyList<Threshold> Thresholds)
{
    /// <summary>Connections the client opens unless <c>--connections</c> says otherwise; null: the driver's default.</summary>
    public int? Connections { get; init; }
}

/// <summary>Where a scenario points, the <c>--param name=value</c> settings given for it and the operator API key, if any.</summary>
public sealed record ScenarioContext(Uri BaseUrl, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The operator API key (<c>--api-key</c> or <c>CERTCTL_API_KEY</c>); null when none was given.</summary>
    public ApiKey? ApiKey { get; init; }

    /// <summary>Resolves a path relative to the base URL (keeping any path prefix the base carries).</summary>
    public Uri Resolve(string relativePath) => new(BaseUrl, relativePath.TrimStart('/'));

    /// <summary>A parameter's value, or <paramref name="fallback"/> when not given.</summary>
    public string Parameter(string name, string fallback) => Parameters.TryGetValue(name, out var value) ? value : fallback;

    /// <summary>Whether a yes/no parameter is on: <c>true</c>, <c>1</c> or <c>yes</c>.</summary>
    public bool Flag(string name) => Parameters.TryGetValue(name, out var value) && value.Trim().ToLowerInvariant() is "true" or "1" or "yes";

    /// <summary>The API key, or a usage error naming <paramref name="scenario"/> and the two ways to give one.</summary>
    public ApiKey RequireApiKey(string scenario) =>
        ApiKey ?? throw new UsageException($"{scenario} calls the operator API: give its key with --api-key or {ApiKey.EnvironmentVariable}.");
}
