using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest;

/// <summary>The machine the driver ran on, so numbers from different boxes are not compared blindly.</summary>
public sealed record MachineInfo(int ProcessorCount, string Os, string Architecture, string Runtime)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), RuntimeInformation.FrameworkDescription);
}

/// <summary>Settings that shape every step of a run.</summary>
public sealed record RunSettings(double WarmupS, int MaxInFlight, int Connections, double TimeoutS);

/// <summary>The ramp's verdict: every step, the p99 limit used, and the ceiling found (null when the first step already failed).</summary>
public sealed record RampReport(double Start, double End, double Step, double P99LimitMs, double? CeilingRate, double? CeilingP99Ms, double? CeilingThroughput, IReadOnlyList<StepResult> Steps);

/// <summary>
/// The whole run as written to the JSON file: a header, then the headline step's figures at the top level
/// (the only step of a constant run; the ceiling step of a ramp, or its first step when none held), then the ramp if any.
/// </summary>
public sealed record Summary(
    string Scenario,
    string Target,
    string Mode,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    bool Interrupted,
    MachineInfo Machine,
    RunSettings Settings,
    StepResult Headline,
    RampReport? Ramp)
{
    /// <summary>snake_case names, indented, nulls left out.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file for people, not HTML: keep "p99<10ms" readable
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>What the scenario read out of its responses over the whole run (warm-up and every step included); empty for most scenarios.</summary>
    public IReadOnlyList<ResponseCount> ResponseCounts { get; init; } = [];

    /// <summary>Constant run: every threshold held. Ramp: a ceiling was found. Never when interrupted.</summary>
    public bool Passed => !Interrupted && (Ramp is null ? Headline.ThresholdsPassed : Ramp.CeilingRate is not null);

    /// <summary>The summary as JSON, with the headline step's fields flattened into the top level.</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["scenario"] = Scenario,
            ["target"] = Target,
            ["mode"] = Mode,
            ["started_at"] = StartedAt,
            ["finished_at"] = FinishedAt,
            ["interrupted"] = Interrupted,
            ["passed"] = Passed,
            ["machine"] = JsonSerializer.SerializeToNode(Machine, JsonOptions),
            ["settings"] = JsonSerializer.SerializeToNode(Settings, JsonOptions),
        };

        foreach (var (name, value) in JsonSerializer.SerializeToNode(Headline, JsonOptions)!.AsObject())
        {
            root[name] = value?.DeepClone();
        }

        if (ResponseCounts.Count > 0)
        {
            var counts = new JsonObject();
            foreach (var count in ResponseCounts)
            {
                counts[count.Name] = count.Value;
            }

            root["response_counts"] = counts;
        }

        if (Ramp is not null)
        {
            root["ramp"] = JsonSerializer.SerializeToNode(Ramp, JsonOptions);
        }

        return root.ToJsonString(JsonOptions);
    }

    /// <summary>Writes the JSON to <paramref name="path"/>, creating its folder.</summary>
    public async Task WriteAsync(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, ToJson() + "\n");
    }

    /// <summary>
    /// The default output file: loadtest/results/&lt;scenario&gt;-&lt;utc timestamp&gt;.json under the repository root
    /// (found by walking up from <paramref name="workingDirectory"/> to Certctl.sln), else under the working directory.
    /// </summary>
    public static string DefaultPath(string scenario, DateTimeOffset startedAt, string workingDirectory)
    {
        var root = workingDirectory;
        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Certctl.sln")))
            {
                root = dir.FullName;
                break;
            }
        }

        return Path.Combine(root, "loadtest", "results", $"{scenario}-{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.json");
    }
}
