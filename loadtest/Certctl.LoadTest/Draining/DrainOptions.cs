using System.Globalization;
using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Draining;

/// <summary>
/// The command line after <c>drain</c>: <c>pipeline_drain [--base-url URL] [--api-key KEY] [--database CONN] [--timeout D]
/// [--max-drain D] [--max-failed N] [--out FILE] [-q]</c>. The key falls back to <see cref="ApiKey.EnvironmentVariable"/>,
/// the connection string to <see cref="DatabaseTarget.EnvironmentVariable"/>.
/// </summary>
public sealed record DrainOptions
{
    /// <summary>The one drain there is; also the name of the fixture it renews and of its summary file.</summary>
    public const string PipelineDrain = "pipeline_drain";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan DefaultMaxDrain = TimeSpan.FromSeconds(60);

    public string? Scenario { get; init; }

    public Uri BaseUrl { get; init; } = LoadOptions.DefaultBaseUrl;

    /// <summary>The operator API key: <c>--api-key</c>, else <c>CERTCTL_API_KEY</c>; null when neither is set.</summary>
    public ApiKey? ApiKey { get; init; }

    /// <summary>The Npgsql connection string the jobs are read from; never printed (it holds a password).</summary>
    public string? Database { get; init; }

    /// <summary>How long to wait, from the trigger, for every job to finish; also the bulk-renew call's timeout.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Pass only when the last job completed within this time of the trigger.</summary>
    public TimeSpan MaxDrain { get; init; } = DefaultMaxDrain;

    /// <summary>Pass only when at most this many jobs ended Failed (no attempt left) or Cancelled.</summary>
    public int MaxFailed { get; init; }

    public string? OutPath { get; init; }

    public bool Quiet { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary>Parses the arguments after <c>drain</c>; throws <see cref="UsageException"/> on anything it does not understand.</summary>
    public static DrainOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        var options = new DrainOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                options = options.Scenario is null
                    ? options with { Scenario = arg }
                    : throw new UsageException($"unexpected argument '{arg}' (the drain is already '{options.Scenario}').");
                continue;
            }

            var (name, inlineValue) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            string Value() => inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value."));

            options = name switch
            {
                "-h" or "--help" => options with { ShowHelp = true },
                "--base-url" => options with { BaseUrl = LoadOptions.ParseBaseUrl(Value()) },
                "--api-key" => options with { ApiKey = LoadOptions.ParseApiKey(Value()) },
                "--database" => options with { Database = Value() },
                "--timeout" => options with { Timeout = Positive(name, Value()) },
                "--max-drain" => options with { MaxDrain = Positive(name, Value()) },
                "--max-failed" => options with { MaxFailed = Count(name, Value()) },
                "--out" => options with { OutPath = Value() },
                "-q" or "--quiet" => options with { Quiet = true },
                _ => throw new UsageException($"unknown drain option '{name}'."),
            };
        }

        var read = environment ?? Environment.GetEnvironmentVariable;
        if (options.ApiKey is null && read(ApiKey.EnvironmentVariable) is { } key && !string.IsNullOrWhiteSpace(key))
        {
            options = options with { ApiKey = new ApiKey(key) };
        }

        return string.IsNullOrWhiteSpace(options.Database) && read(DatabaseTarget.EnvironmentVariable) is { } database && !string.IsNullOrWhiteSpace(database)
            ? options with { Database = database }
            : options;
    }

    /// <summary>Checks what the drain cannot run without: its name, the key and the database. Throws <see cref="UsageException"/>.</summary>
    public SeedFixture Validate()
    {
        if (Scenario is null)
        {
            throw new UsageException($"name the drain ({PipelineDrain}).");
        }

        if (!string.Equals(Scenario, PipelineDrain, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"unknown drain '{Scenario}' (known: {PipelineDrain}).");
        }

        if (ApiKey is null)
        {
            throw new UsageException($"{PipelineDrain} calls bulk-renew: give the operator key with --api-key or {ApiKey.EnvironmentVariable}.");
        }

        return string.IsNullOrWhiteSpace(Database)
            ? throw new UsageException($"{PipelineDrain} reads the jobs from the suite's database: --database \"Host=127.0.0.1;Port=…;Username=postgres;Password=…;Database=certctl\" or {DatabaseTarget.EnvironmentVariable}.")
            : SeedFixture.PipelineDrain;
    }

    private static TimeSpan Positive(string option, string text) =>
        DurationText.TryParse(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new UsageException($"{option}: '{text}' is not a duration longer than zero (e.g. 500ms, 30s, 2m, 1m30s).");

    private static int Count(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{option}: '{text}' is not a whole number (0 or more).");
}
