namespace Certctl.Testing;

/// <summary>The locally installed PostgreSQL and RabbitMQ servers, found where the AppHost looks for them.</summary>
internal sealed record LocalServerPrograms(string PostgresBinDirectory, string RabbitMqServer)
{
    private const string InstallHint = "Install them with `sudo apt-get install -y postgresql rabbitmq-server` (./test.sh does it for you), or start a container engine.";

    /// <summary>Finds both servers, or throws naming each missing program and how to install it.</summary>
    public static LocalServerPrograms Require()
    {
        var postgres = FindPostgresBinDirectory();
        var rabbit = FindRabbitMqServer();
        var missing = new List<string>();
        if (postgres is null)
        {
            missing.Add("PostgreSQL server (postgres, initdb; looked in /usr/lib/postgresql/<version>/bin and PATH)");
        }

        if (rabbit is null)
        {
            missing.Add("RabbitMQ (rabbitmq-server; looked in /usr/lib/rabbitmq/bin and PATH)");
        }

        if (missing.Count > 0)
        {
            throw new InfrastructureUnavailableException(
                "No container engine is used, so the integration tests run Postgres and RabbitMQ locally, but these programs are missing: " +
                string.Join("; ", missing) + ". " + InstallHint);
        }

        return new LocalServerPrograms(postgres!, rabbit!);
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
        // Debian's /usr/sbin/rabbitmq-server switches users itself; the script behind it runs in the foreground.
        string[] candidates = ["/usr/lib/rabbitmq/bin/rabbitmq-server", .. PathDirectories().Select(dir => Path.Combine(dir, "rabbitmq-server")),
            "/opt/homebrew/sbin/rabbitmq-server", "/usr/local/sbin/rabbitmq-server"];
        return candidates.FirstOrDefault(File.Exists);
    }

    private static IEnumerable<string> PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
}
