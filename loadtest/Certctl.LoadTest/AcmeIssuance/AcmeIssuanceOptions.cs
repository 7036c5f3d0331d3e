using System.Globalization;
using System.Text.RegularExpressions;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>
/// The command line after <c>acme_issuance</c>: <c>[--base-url URL] [--profile ID] [--domain NAME] [--clients N] [--duration D]
/// [--poll-cap D] [--order-timeout D] [--timeout D] [--threshold T]… [--no-default-thresholds] [--out FILE] [-q]</c>.
/// </summary>
public sealed partial record AcmeIssuanceOptions
{
    public const string DefaultProfile = "prof-standard-tls";

    /// <summary>Names are random labels under this domain; prof-standard-tls has no required SAN pattern, so any domain passes.</summary>
    public const string DefaultDomain = "acme-load.example.com";

    public const int DefaultClients = 50;

    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan DefaultPollCap = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan DefaultOrderTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The defaults' floor; the throughput goal is given with <c>--threshold certs_per_s&gt;=N</c>.</summary>
    public static readonly IReadOnlyList<Threshold> DefaultThresholds = [Threshold.Parse("errors<1%")];

    public Uri BaseUrl { get; init; } = LoadOptions.DefaultBaseUrl;

    /// <summary>The profile whose ACME server is loaded; empty: the <c>/acme</c> shorthand (CERTCTL_ACME_SERVER_DEFAULT_PROFILE_ID).</summary>
    public string Profile { get; init; } = DefaultProfile;

    public string Domain { get; init; } = DefaultDomain;

    /// <summary>Virtual clients, each with its own account, issuing one certificate after another.</summary>
    public int Clients { get; init; } = DefaultClients;

    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>The longest wait between two polls of a processing order, however long Retry-After (whole seconds) says.</summary>
    public TimeSpan PollCap { get; init; } = DefaultPollCap;

    /// <summary>How long a finalized order may stay processing before its flow counts as <c>poll_order.timeout</c>.</summary>
    public TimeSpan OrderTimeout { get; init; } = DefaultOrderTimeout;

    /// <summary>Per request.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];

    public bool NoDefaultThresholds { get; init; }

    public string? OutPath { get; init; }

    public bool Quiet { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary>The directory every client starts from.</summary>
    public Uri DirectoryUrl => new(BaseUrl, Profile.Length == 0 ? "acme/directory" : $"acme/profile/{Uri.EscapeDataString(Profile)}/directory");

    /// <summary>The rules the run is judged by: the defaults, each replaced by a user rule on the same metric, plus the user's.</summary>
    public IReadOnlyList<Threshold> EffectiveThresholds => Threshold.Merge(DefaultThresholds, Thresholds, NoDefaultThresholds);

    /// <summary>Parses the arguments after <c>acme_issuance</c>; throws <see cref="UsageException"/> on anything it does not understand.</summary>
    public static AcmeIssuanceOptions Parse(IReadOnlyList<string> args)
    {
        var options = new AcmeIssuanceOptions();
        var thresholds = new List<Threshold>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                throw new UsageException($"unexpected argument '{arg}'.");
            }

            var (name, inlineValue) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            string Value() => inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value."));

            options = name switch
            {
                "-h" or "--help" => options with { ShowHelp = true },
                "--base-url" => options with { BaseUrl = LoadOptions.ParseBaseUrl(Value()) },
                "--profile" => options with { Profile = Value().Trim() },
                "--domain" => options with { Domain = ParseDomain(Value()) },
                "--clients" => options with { Clients = ParseClients(Value()) },
                "--duration" => options with { Duration = Positive(name, Value()) },
                "--poll-cap" => options with { PollCap = Positive(name, Value()) },
                "--order-timeout" => options with { OrderTimeout = Positive(name, Value()) },
                "--timeout" => options with { Timeout = Positive(name, Value()) },
                "--threshold" => Add(options, thresholds, Value()),
                "--no-default-thresholds" => options with { NoDefaultThresholds = true },
                "--out" => options with { OutPath = Value() },
                "-q" or "--quiet" => options with { Quiet = true },
                _ => throw new UsageException($"unknown acme_issuance option '{name}'."),
            };
        }

        return options with { Thresholds = thresholds };
    }

    private static AcmeIssuanceOptions Add(AcmeIssuanceOptions options, List<Threshold> thresholds, string text)
    {
        try
        {
            thresholds.Add(Threshold.Parse(text));
            return options;
        }
        catch (FormatException ex)
        {
            throw new UsageException($"--threshold: {ex.Message}");
        }
    }

    private static int ParseClients(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 10_000
            ? value
            : throw new UsageException($"--clients: '{text}' is not a whole number from 1 to 10000.");

    private static string ParseDomain(string text)
    {
        var domain = text.Trim().TrimEnd('.').ToLowerInvariant();
        return domain.Length is > 0 and <= 200 && DomainPattern().IsMatch(domain)
            ? domain
            : throw new UsageException($"--domain: '{text}' is not a DNS name with at least two labels.");
    }

    // Letters, digits and inner hyphens per label (what new-order accepts as a dns identifier), two labels at least.
    [GeneratedRegex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex DomainPattern();

    private static TimeSpan Positive(string option, string text) =>
        DurationText.TryParse(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new UsageException($"{option}: '{text}' is not a duration longer than zero (e.g. 50ms, 30s, 2m).");
}
