using System.Globalization;
using System.Text.Json;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>The settings an <c>acme_issuance</c> run used, as written in its summary.</summary>
public sealed record AcmeIssuanceSettings(string Directory, string Domain, int Clients, double DurationS, double PollCapMs, double OrderTimeoutS, double TimeoutS);

/// <summary>
/// What an <c>acme_issuance</c> run measured: certificates per second over the window, the issuance latency (new-order sent to
/// certificate downloaded), every step's request latency, errors by <c>step.kind</c>, and the verdict of its rules.
/// Errors are flows given up; their rate is errors over certificates plus errors.
/// </summary>
public sealed record AcmeIssuanceReport(
    string Scenario,
    string Target,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    bool Interrupted,
    MachineInfo Machine,
    AcmeIssuanceSettings Settings,
    double ElapsedS,
    long Accounts,
    long Certificates,
    double CertsPerS,
    LatencySummary IssuanceLatencyMs,
    IReadOnlyDictionary<string, LatencySummary> StepLatencyMs,
    IReadOnlyDictionary<string, long> StatusCodes,
    long BadNonceRetries,
    ErrorSummary Errors)
{
    public const string Name = "acme_issuance";

    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    /// <summary>Every rule held, at least one certificate was issued, and the run was not interrupted.</summary>
    public bool Passed => !Interrupted && Certificates > 0 && Thresholds.All(t => t.Passed);

    /// <summary>Builds the report from a tally; <paramref name="elapsed"/> is the measured window.</summary>
    public static AcmeIssuanceReport From(
        AcmeIssuanceTally tally, AcmeIssuanceOptions options, DateTimeOffset startedAt, DateTimeOffset finishedAt, TimeSpan elapsed, bool interrupted)
    {
        var errors = tally.ErrorTotal;
        var certificates = tally.Certificates;
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        var settings = new AcmeIssuanceSettings(
            options.DirectoryUrl.ToString(), options.Domain, options.Clients, options.Duration.TotalSeconds, options.PollCap.TotalMilliseconds,
            options.OrderTimeout.TotalSeconds, options.Timeout.TotalSeconds);
        var report = new AcmeIssuanceReport(
            Name, options.BaseUrl.ToString(), startedAt, finishedAt, interrupted, MachineInfo.Current(), settings, Math.Round(elapsed.TotalSeconds, 3),
            tally.Accounts, certificates, Math.Round(certificates / seconds, 3), tally.IssuanceLatency(), tally.StepLatency(), tally.StatusCodes,
            tally.BadNonceRetries,
            new ErrorSummary(errors, certificates + errors == 0 ? 0 : (double)errors / (certificates + errors), new Dictionary<string, long>(), tally.ErrorsByKind));
        return report with { Thresholds = [.. options.EffectiveThresholds.Select(t => t.Evaluate(report.AsStep()))] };
    }

    /// <summary>
    /// The figures in the shape thresholds read: throughput is certificates per second, the overall latency the issuance's, and
    /// each step a named endpoint, so <c>certs_per_s&gt;=100</c>, <c>p95&lt;2s</c> and <c>finalize.p95&lt;200ms</c> all work.
    /// </summary>
    public StepResult AsStep() => new()
    {
        Rate = 0,
        DurationS = Settings.DurationS,
        WarmupS = 0,
        ElapsedS = ElapsedS,
        Scheduled = Certificates + Errors.Total,
        Sent = Certificates + Errors.Total,
        Completed = Certificates,
        Failed = Errors.Total,
        Dropped = 0,
        WarmupSent = 0,
        Throughput = CertsPerS,
        LatencyMs = IssuanceLatencyMs,
        DriverLagMs = LatencySummary.Empty,
        Errors = Errors,
        StatusCodes = StatusCodes,
        EndpointLatencyMs = StepLatencyMs,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Summary.JsonOptions);

    public async Task WriteAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, ToJson() + "\n");
    }

    /// <summary>The short account printed to stdout.</summary>
    public void WriteTable(TextWriter output, string? jsonPath)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(inv, $"{Scenario} -> {Settings.Directory}  ({Settings.Clients} clients{(Interrupted ? ", INTERRUPTED" : string.Empty)})"));
        output.WriteLine(string.Create(inv, $"  {ElapsedS:0.###}s: {Accounts} accounts, {Certificates} certificates, {CertsPerS:0.0} certs/s, {BadNonceRetries} badNonce retries"));
        var l = IssuanceLatencyMs;
        output.WriteLine(l.Count == 0
            ? "  issuance: no certificate"
            : string.Create(inv, $"  issuance ms  p50 {l.P50:0.###}  p90 {l.P90:0.###}  p95 {l.P95:0.###}  p99 {l.P99:0.###}  max {l.Max:0.###}  mean {l.Mean:0.###}"));
        foreach (var (step, s) in StepLatencyMs)
        {
            output.WriteLine(string.Create(inv, $"    {step,-12} n {s.Count,9}  p50 {s.P50:0.###}  p95 {s.P95:0.###}  p99 {s.P99:0.###}  max {s.Max:0.###}"));
        }

        output.WriteLine("  status " + (StatusCodes.Count == 0 ? "-" : string.Join("  ", StatusCodes.Select(kv => string.Create(inv, $"{kv.Key}:{kv.Value}")))));
        output.WriteLine(string.Create(inv, $"  errors {Errors.Total} ({Errors.Rate * 100:0.###}%)"));
        foreach (var (kind, count) in Errors.ByKind)
        {
            output.WriteLine(string.Create(inv, $"    {kind,-36} {count,9}"));
        }

        foreach (var t in Thresholds)
        {
            var actual = t.Actual is { } a ? string.Create(inv, $"{a:0.###} {t.Unit}") : "no data";
            output.WriteLine($"  {(t.Passed ? "PASS" : "FAIL")} {t.Expression}  (measured {actual})");
        }

        output.WriteLine(Passed ? "  result: PASS" : "  result: FAIL" + (Certificates == 0 ? " (no certificate issued)" : string.Empty));
        if (jsonPath is not null)
        {
            output.WriteLine($"  summary: {jsonPath}");
        }
    }
}
