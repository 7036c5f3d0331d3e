namespace Certctl.AppHost.Infrastructure;

/// <summary>Finds the locally installed PostgreSQL and RabbitMQ servers.</summary>
internal sealed record LocalPrograms(string? PostgresBinDirectory, string? RabbitMqServer)
{
    /// <summary>Looks in the places Debian, Ubuntu and Homebrew install them.</summary>
    public static LocalPrograms Find() => new(FindPostgresBinDirectory(), FindRabbitMqServer());

    /// <summary>Names what is missing and how to install it, or null when both are there.</summary>
    public string? DescribeMissing()
    {
        var missing = new List<string>();
        if (PostgresBinDirectory is null)
        {
            missing.Add("PostgreSQL server (postgres, initdb): sudo apt-get install -y postgresql");
        }

        if (RabbitMqServer is null)
        {
            missing.Add("RabbitMQ (rabbitmq-server): sudo apt-get update && sudo apt-get install -y rabbitmq-server");
        }

        return missing.Count == 0 ? null : string.Join(Environment.NewLine, missing.Select(item => "  - " + item));
    }

    private static string? FindPostgresBinDirectory()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            // Newest major version first.
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(dir => int.TryParse(Path.GetFileName(dir), out var major) ? major : 0)
                .Select(dir => Path.Combine(dir, "bin")));
        }

        candidates.AddRange(PathDirectories());
        candidates.AddRange(["/opt/homebrew/bin", "/usr/local/bin"]);
        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "postgres")) && File.Exists(Path.Combine(dir, "initdb")));
    }

    private static string? FindRabbitMqServer()
    {
        // Debian's /usr/sbin/rabbitmq-server is a wrapper that switches users with su and logs to /var/log; the script
        // behind it (/usr/lib/rabbitmq/bin) runs in the foreground as we need, so the wrapper is never taken.
        string[] candidates = ["/usr/lib/rabbitmq/bin/rabbitmq-server",
            .. PathDirectories().Where(dir => RealPath(dir) != "/usr/sbin").Select(dir => Path.Combine(dir, "rabbitmq-server")),
            "/opt/homebrew/sbin/rabbitmq-server", "/usr/local/sbin/rabbitmq-server"];
        return candidates.FirstOrDefault(File.Exists);
    }

    // /sbin is a link to /usr/sbin on merged-/usr systems, so compare resolved folders.
    private static string RealPath(string directory)
    {
        var info = new DirectoryInfo(directory);
        var target = info.Exists ? info.ResolveLinkTarget(returnFinalTarget: true) : null;
        return (target?.FullName ?? info.FullName).TrimEnd('/');
    }

    private static IEnumerable<string> PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
}
