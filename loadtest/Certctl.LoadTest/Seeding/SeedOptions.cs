using System.Globalization;

namespace Certctl.LoadTest.Seeding;

/// <summary>
/// The command line after <c>seed</c>: <c>&lt;fixture&gt; [--database CONN] [--count N] [--reset-jobs] [--remove] [--agent-secret S]</c>.
/// The connection string falls back to <see cref="DatabaseTarget.EnvironmentVariable"/>.
/// </summary>
public sealed record SeedOptions
{
    public string? Fixture { get; init; }

    /// <summary>The Npgsql connection string; never printed (it holds a password).</summary>
    public string? Database { get; init; }

    /// <summary>How many certificates; null for the fixture's default.</summary>
    public int? Count { get; init; }

    /// <summary>After seeding, delete the fixture's jobs and undo the status a renewal set, so the next bulk renewal creates every job again.</summary>
    public bool ResetJobs { get; init; }

    /// <summary>Delete the fixture's certificates instead of seeding them.</summary>
    public bool Remove { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary><c>agent_storm</c> only: the secret the fleet's tokens derive from (else <c>CERTCTL_LOADTEST_AGENT_SECRET</c>); never printed.</summary>
    public string? AgentSecret { get; init; }

    /// <summary>Parses the arguments after <c>seed</c>; throws <see cref="UsageException"/> on anything it does not understand.</summary>
    public static SeedOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        var options = new SeedOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                options = options.Fixture is null
                    ? options with { Fixture = arg }
                    : throw new UsageException($"unexpected argument '{arg}' (the fixture is already '{options.Fixture}').");
                continue;
            }

            var (name, inlineValue) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            string Value() => inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value."));

            options = name switch
            {
                "-h" or "--help" => options with { ShowHelp = true },
                "--database" => options with { Database = Value() },
                "--count" => options with { Count = ParseCount(Value()) },
                "--reset-jobs" => options with { ResetJobs = true },
                "--remove" => options with { Remove = true },
                "--agent-secret" => options with { AgentSecret = Value() },
                _ => throw new UsageException($"unknown seed option '{name}'."),
            };
        }

        if (options.Remove && (options.ResetJobs || options.Count is not null))
        {
            throw new UsageException("--remove deletes the fixture's certificates; it takes neither --count nor --reset-jobs.");
        }

        var fromEnvironment = (environment ?? Environment.GetEnvironmentVariable)(DatabaseTarget.EnvironmentVariable);
        return string.IsNullOrWhiteSpace(options.Database) && !string.IsNullOrWhiteSpace(fromEnvironment)
            ? options with { Database = fromEnvironment }
            : options;
    }

    private static int ParseCount(string text) =>
        int.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new UsageException($"--count: '{text}' is not a positive whole number.");
}
