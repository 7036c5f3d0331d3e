using System.Net;
using Npgsql;

namespace Certctl.LoadTest.Seeding;

/// <summary>
/// The database the seed command writes to, from an Npgsql connection string, and the loopback rule for it: every host
/// must be 127.0.0.0/8, ::1, a name resolving only to those (localhost), or a Unix-socket directory.
/// </summary>
public static class DatabaseTarget
{
    /// <summary>Read when <c>--database</c> is not given, so the password need not be on the command line.</summary>
    public const string EnvironmentVariable = "CERTCTL_LOADTEST_DATABASE";

    /// <summary>Parses the connection string; a usage error (which never repeats the string: it holds a password) when it is not one.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new UsageException("--database is not an Npgsql connection string (e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Password=…;Database=certctl\").");
        }
    }

    /// <summary>Why the seed command may not write to <paramref name="database"/>, or null when every host is on this machine.</summary>
    public static string? Refusal(NpgsqlConnectionStringBuilder database, Func<string, IPAddress[]> resolve)
    {
        var hosts = (database.Host ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (hosts.Length == 0)
        {
            return "the connection string names no Host; give one explicitly, e.g. Host=127.0.0.1.";
        }

        foreach (var host in hosts.Select(HostName))
        {
            // A Unix-domain socket (a directory, or Linux's abstract namespace) cannot leave the machine.
            if (host.StartsWith('/') || host.StartsWith('@'))
            {
                continue;
            }

            if (LoopbackGuard.HostRefusal(host, resolve) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    /// <summary>Checks <paramref name="database"/> with the system resolver.</summary>
    public static string? Refusal(NpgsqlConnectionStringBuilder database) => Refusal(database, Dns.GetHostAddresses);

    /// <summary>Where the connection goes, without credentials: <c>database certctl on 127.0.0.1:5432</c>.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder database) => $"database {database.Database ?? "(default)"} on {database.Host}:{database.Port}";

    /// <summary>A host entry without its port: <c>[::1]:5433</c> → <c>::1</c>, <c>localhost:5433</c> → <c>localhost</c>; a bare IPv6 literal stays whole.</summary>
    public static string HostName(string entry)
    {
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? entry[1..close] : entry;
        }

        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon == entry.LastIndexOf(':') ? entry[..colon] : entry;
    }
}
