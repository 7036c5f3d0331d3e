using System.Diagnostics;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>
/// <c>acme_issuance</c>: closed-loop load, not a constant arrival rate, because each certificate is a chain of signed requests
/// whose nonces and URLs come from the previous answer. <see cref="AcmeIssuanceOptions.Clients"/> virtual clients run
/// <see cref="AcmeIssuanceClient"/> for the duration against one profile's ACME server (trust_authenticated), and the run reports
/// certificates per second, the issuance and per-step latency and errors by kind against its rules.
/// </summary>
public static class AcmeIssuanceCommand
{
    /// <summary>The first argument that selects this command.</summary>
    public const string Name = AcmeIssuanceReport.Name;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        AcmeIssuanceOptions options;
        try
        {
            options = AcmeIssuanceOptions.Parse(args);
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync($"usage error: {ex.Message}");
            await error.WriteLineAsync("run with --help for scenarios and options.");
            return LoadCommand.ExitUsage;
        }

        if (options.ShowHelp)
        {
            HelpText.Write(output);
            return LoadCommand.ExitPassed;
        }

        if (LoopbackGuard.Refusal(options.BaseUrl) is { } refusal)
        {
            await error.WriteLineAsync($"refused: {refusal}");
            return LoadCommand.ExitUsage;
        }

        var time = TimeProvider.System;
        var startedAt = time.GetUtcNow();
        var path = Path.GetFullPath(options.OutPath ?? Summary.DefaultPath(Name, startedAt, Directory.GetCurrentDirectory()));
        using var http = LoadClient.Create(options.Clients, options.Timeout);
        AcmeDirectory directory;
        try
        {
            directory = await AcmeDirectory.ReadAsync(http, options.BaseUrl, options.DirectoryUrl, stop);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or System.Text.Json.JsonException or FormatException)
        {
            await error.WriteLineAsync($"{Name}: preparation failed: {ex.Message}");
            return LoadCommand.ExitFailed;
        }

        await error.WriteLineAsync($"{Name}: {options.Clients} clients for {DurationText.Format(options.Duration)} against {options.DirectoryUrl} (names under {options.Domain})");
        var tally = new AcmeIssuanceTally();
        using var window = CancellationTokenSource.CreateLinkedTokenSource(stop);
        window.CancelAfter(options.Duration);
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, options.Clients)
            .Select(_ => Task.Run(() => new AcmeIssuanceClient(http, directory, options, tally, time).RunAsync(window.Token), CancellationToken.None))
            .ToList();
        using (ReportProgress(tally, options, error, window.Token))
        {
            await Task.WhenAll(clients);
        }

        var report = AcmeIssuanceReport.From(tally, options, startedAt, time.GetUtcNow(), clock.Elapsed, stop.IsCancellationRequested);
        try
        {
            await report.WriteAsync(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"cannot write the summary to '{path}': {ex.Message}");
            report.WriteTable(output, jsonPath: null);
            return LoadCommand.ExitFailed;
        }

        report.WriteTable(output, path);
        return report.Passed ? LoadCommand.ExitPassed : LoadCommand.ExitFailed;
    }

    /// <summary>Every 5 s on stderr: certificates so far and errors, unless --quiet.</summary>
    private static IDisposable ReportProgress(AcmeIssuanceTally tally, AcmeIssuanceOptions options, TextWriter error, CancellationToken token)
    {
        if (options.Quiet)
        {
            return new CancellationTokenSource();
        }

        var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        _ = Task.Run(async () =>
        {
            try
            {
                while (await timer.WaitForNextTickAsync(token))
                {
                    await error.WriteLineAsync($"  … {tally.Certificates} certificates, {tally.ErrorTotal} errors");
                }
            }
            catch (OperationCanceledException)
            {
                // The window closed.
            }
        }, CancellationToken.None);
        return timer;
    }
}
