using System.Globalization;

namespace Certctl.LoadTest;

/// <summary>The command line, parsed. Rate and duration stay null when not given so the scenario's defaults apply.</summary>
public sealed record LoadOptions
{
    public static readonly Uri DefaultBaseUrl = new("http://localhost:8080/");

    /// <summary>The parameter <c>--if-none-match</c> sets: list scenarios revalidate with the list's ETag and measure the 304 path.</summary>
    public const string IfNoneMatchParameter = "if_none_match";

    public string? Scenario { get; init; }

    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    public double? Rate { get; init; }

    public TimeSpan? Duration { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>
    /// Connections the client may open. Fewer than the in-flight cap on purpose: thousands of simultaneous connects
    /// overflow the target's accept backlog and turn into 1 s / 3 s SYN retries that say nothing about the target.
    /// </summary>
    public int Connections { get; init; } = 256;

    /// <summary>True when <c>--connections</c> was given (then it wins over the scenario's default).</summary>
    public bool ConnectionsGiven { get; init; }

    /// <summary>The connections a run of <paramref name="scenario"/> opens: the command line's, else the scenario's, else the default.</summary>
    public int ConnectionsFor(Scenarios.IScenario scenario) => ConnectionsGiven ? Connections : scenario.Defaults.Connections ?? Connections;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];

    public bool NoDefaultThresholds { get; init; }

    public RampPlan? Ramp { get; init; }

    public string? OutPath { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The operator API key: <c>--api-key</c>, else <c>CERTCTL_API_KEY</c>; null when neither is set.</summary>
    public ApiKey? ApiKey { get; init; }

    public bool Quiet { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary>Parses the arguments after <c>--</c>; throws <see cref="UsageException"/> on anything it does not understand.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="environment">Reads an environment variable (the process's when null); used for <see cref="ApiKey.EnvironmentVariable"/>.</param>
    public static LoadOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        var options = new LoadOptions();
        var thresholds = new List<Threshold>();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                options = options.Scenario is null
                    ? options with { Scenario = arg }
                    : throw new UsageException($"unexpected argument '{arg}' (the scenario is already '{options.Scenario}').");
                continue;
            }

            var (name, inlineValue) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            string Value() => inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value."));

            options = name switch
            {
                "-h" or "--help" => options with { ShowHelp = true },
                "--base-url" or "--target" => options with { BaseUrl = ParseBaseUrl(Value()) },
                "--rate" => options with { Rate = ParseRate(Value()) },
                "--duration" => options with { Duration = ParsePositiveDuration(name, Value()) },
                "--warmup" => options with { Warmup = ParseDuration(name, Value()) },
                "--timeout" => options with { Timeout = ParsePositiveDuration(name, Value()) },
                "--max-in-flight" => options with { MaxInFlight = ParseCount(name, Value()) },
                "--connections" => options with { Connections = ParseCount(name, Value()), ConnectionsGiven = true },
                "--threshold" => Add(options, thresholds, ParseThreshold(Value())),
                "--no-default-thresholds" => options with { NoDefaultThresholds = true },
                "--ramp" => options with { Ramp = ParseRamp(Value()) },
                "--out" => options with { OutPath = Value() },
                "--param" => AddParameter(options, parameters, Value()),
                "--api-key" => options with { ApiKey = ParseApiKey(Value()) },
                "--if-none-match" => AddParameter(options, parameters, IfNoneMatchParameter + "=true"),
                "-q" or "--quiet" => options with { Quiet = true },
                _ => throw new UsageException($"unknown option '{name}'."),
            };
        }

        var fromEnvironment = (environment ?? Environment.GetEnvironmentVariable)(ApiKey.EnvironmentVariable);
        var apiKey = options.ApiKey ?? (string.IsNullOrWhiteSpace(fromEnvironment) ? null : new ApiKey(fromEnvironment));
        return options with { Thresholds = thresholds, Parameters = parameters, ApiKey = apiKey };
    }

    private static LoadOptions Add(LoadOptions options, List<Threshold> thresholds, Threshold threshold)
    {
        thresholds.Add(threshold);
        return options;
    }

    private static LoadOptions AddParameter(LoadOptions options, Dictionary<string, string> parameters, string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new UsageException($"--param expects name=value, got '{pair}'.");
        }

        parameters[pair[..eq]] = pair[(eq + 1)..];
        return options;
    }

    internal static ApiKey ParseApiKey(string text) =>
        string.IsNullOrWhiteSpace(text) ? throw new UsageException("--api-key must not be empty.") : new ApiKey(text);

    internal static Uri ParseBaseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--base-url: '{text}' is not an absolute http(s) URL.");
        }

        // A trailing slash makes relative paths land under any prefix the base carries.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
    }

    private static double ParseRate(string text)
    {
        var number = text.EndsWith("/s", StringComparison.Ordinal) ? text[..^2] : text;
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate > 0 && !double.IsInfinity(rate)
            ? rate
            : throw new UsageException($"--rate: '{text}' is not a positive number of requests per second.");
    }

    private static TimeSpan ParseDuration(string option, string text) =>
        DurationText.TryParse(text, out var value) ? value : throw new UsageException($"{option}: '{text}' is not a duration (e.g. 500ms, 30s, 2m, 1m30s).");

    private static TimeSpan ParsePositiveDuration(string option, string text) =>
        ParseDuration(option, text) is var value && value > TimeSpan.Zero ? value : throw new UsageException($"{option} must be longer than zero.");

    private static int ParseCount(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"{option}: '{text}' is not a positive whole number.");

    private static Threshold ParseThreshold(string text)
    {
        try
        {
            return Threshold.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"--threshold: {ex.Message}");
        }
    }

    private static RampPlan ParseRamp(string text)
    {
        try
        {
            return RampPlan.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"--ramp: {ex.Message}");
        }
    }
}
