using System.Text.Json;
using System.Text.Json.Nodes;

namespace Certctl.LoadTest.Draining;

/// <summary>The drain's settings as the summary records them.</summary>
public sealed record DrainSettings(double TimeoutS, double PollIntervalMs, string NamePrefix, long FixtureCertificates);

/// <summary>
/// The drain as written to the JSON file (snake_case, like <see cref="Summary"/>): a header, then the report's figures at
/// the top level.
/// </summary>
public sealed record DrainSummary(
    string Scenario,
    string Target,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    bool Interrupted,
    bool TimedOut,
    MachineInfo Machine,
    DrainSettings Settings,
    DrainReport Report)
{
    /// <summary>Every rule held, and the drain was neither interrupted nor cut by the timeout.</summary>
    public bool Passed => !Interrupted && !TimedOut && Report.ThresholdsPassed;

    public string ToJson()
    {
        var root = new JsonObject
        {
            ["scenario"] = Scenario,
            ["target"] = Target,
            ["mode"] = "drain",
            ["started_at"] = StartedAt,
            ["finished_at"] = FinishedAt,
            ["interrupted"] = Interrupted,
            ["timed_out"] = TimedOut,
            ["passed"] = Passed,
            ["machine"] = JsonSerializer.SerializeToNode(Machine, Summary.JsonOptions),
            ["settings"] = JsonSerializer.SerializeToNode(Settings, Summary.JsonOptions),
        };

        foreach (var (name, value) in JsonSerializer.SerializeToNode(Report, Summary.JsonOptions)!.AsObject())
        {
            root[name] = value?.DeepClone();
        }

        root["thresholds_passed"] = Report.ThresholdsPassed;
        return root.ToJsonString(Summary.JsonOptions);
    }

    /// <summary>Writes the JSON to <paramref name="path"/>, creating its folder.</summary>
    public async Task WriteAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, ToJson() + "\n");
    }
}
