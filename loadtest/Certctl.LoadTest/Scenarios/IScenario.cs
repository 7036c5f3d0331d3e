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
}

/// <summary>What a scenario runs with unless told otherwise.</summary>
public sealed record ScenarioDefaults(double Rate, TimeSpan Duration, IReadOnlyList<Threshold> Thresholds);

/// <summary>Where a scenario points and the <c>--param name=value</c> settings given for it.</summary>
public sealed record ScenarioContext(Uri BaseUrl, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Resolves a path relative to the base URL (keeping any path prefix the base carries).</summary>
    public Uri Resolve(string relativePath) => new(BaseUrl, relativePath.TrimStart('/'));

    /// <summary>A parameter's value, or <paramref name="fallback"/> when not given.</summary>
    public string Parameter(string name, string fallback) => Parameters.TryGetValue(name, out var value) ? value : fallback;
}
