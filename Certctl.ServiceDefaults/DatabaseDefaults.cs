using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Certctl.ServiceDefaults;

/// <summary>The shared Postgres registration: one <see cref="NpgsqlDataSource"/> per service, pool sized by configuration.</summary>
public static class DatabaseDefaults
{
    /// <summary>The connection name every service reads (<c>ConnectionStrings:certctl</c>).</summary>
    public const string ConnectionName = "certctl";

    /// <summary>Environment variable that sizes each service's connection pool.</summary>
    public const string MaxConnectionsVariable = "CERTCTL_DATABASE_MAX_CONNS";

    /// <summary>Pool size when <see cref="MaxConnectionsVariable"/> is unset.</summary>
    public const int DefaultMaxConnections = 50;

    /// <summary>
    /// Registers the Certctl data source with tracing, metrics and a readiness health check.
    /// <c>CERTCTL_DATABASE_MAX_CONNS</c> really sets the pool (the original parsed it and ignored it).
    /// </summary>
    /// <param name="genericPlans">
    /// Plan each prepared statement once (<c>plan_cache_mode=force_generic_plan</c>), for a service whose statements all find rows by
    /// key: see <see cref="ApplyStatementSettings"/>.
    /// </param>
    public static TBuilder AddCertctlDatabase<TBuilder>(this TBuilder builder, bool genericPlans = false) where TBuilder : IHostApplicationBuilder
    {
        var maxConnections = ReadMaxConnections(builder.Configuration);
        builder.AddNpgsqlDataSource(ConnectionName, settings =>
        {
            if (string.IsNullOrWhiteSpace(settings.ConnectionString))
            {
                throw new InvalidOperationException(
                    $"ConnectionStrings:{ConnectionName} is not set. Start the suite through Certctl.AppHost, or set ConnectionStrings__{ConnectionName}.");
            }

            settings.ConnectionString = ApplyStatementSettings(ApplyPoolSize(settings.ConnectionString, maxConnections), genericPlans);
        });
        return builder;
    }

    /// <summary>Reads and validates <c>CERTCTL_DATABASE_MAX_CONNS</c>; an invalid value stops the service with a clear message.</summary>
    public static int ReadMaxConnections(IConfiguration configuration)
    {
        var raw = configuration[MaxConnectionsVariable];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return DefaultMaxConnections;
        }

        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < 1 || value > 10_000)
        {
            throw new InvalidOperationException($"{MaxConnectionsVariable} must be a whole number from 1 to 10000; got '{raw}'.");
        }

        return value;
    }

    /// <summary>Statements each connection keeps prepared when the connection string does not say (<c>Max Auto Prepare</c>).</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Statement settings for short, frequent queries, each unless the connection string sets it:
    /// <list type="bullet">
    /// <item>automatic preparation: the hot queries are planned once per connection instead of on every call (planning the
    /// certificate list took 3.7 ms of its 6 ms). <c>Max Auto Prepare=0</c> turns it off, e.g. behind a transaction-pooling
    /// PgBouncer older than 1.21;</item>
    /// <item>no session reset when a connection goes back to the pool: Certctl never changes session state (no SET, no temp
    /// tables, only transaction-scoped advisory locks), so the reset statements Npgsql would otherwise send with the next
    /// command are pure cost on every one-query request;</item>
    /// <item>no JIT compilation (<c>Options=-c jit=off</c>): Certctl's statements are index-driven and short, and the set-based
    /// ones over the whole fleet sit near the planner's JIT threshold, where compiling took 3–6 s of a 3 s renewal scan;</item>
    /// <item>with <paramref name="genericPlans"/>, one plan per prepared statement (<c>-c plan_cache_mode=force_generic_plan</c>). Postgres
    /// otherwise plans a statement with an array parameter (<c>id = ANY($1)</c>, <c>unnest($1, …)</c>) anew on every call: the generic
    /// plan's estimate of ten elements makes it look dearer than a custom one. The CA connector's batched job read planned for 1 ms to
    /// execute for 0.2. Only for services whose statements find rows by key, where the generic plan is the custom one.</item>
    /// </list>
    /// </summary>
    public static string ApplyStatementSettings(string connectionString, bool genericPlans = false)
    {
        // The plain builder holds only the keys the string names (Npgsql's own reports every keyword as present).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.ContainsKey("Options"))
        {
            builder.Options = genericPlans ? "-c jit=off -c plan_cache_mode=force_generic_plan" : "-c jit=off";
        }

        return builder.ConnectionString;
    }

    /// <summary>Returns the connection string with the pool's maximum set (and the minimum kept at or below it).</summary>
    public static string ApplyPoolSize(string connectionString, int maxConnections)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = maxConnections };
        if (builder.MinPoolSize > maxConnections)
        {
            builder.MinPoolSize = maxConnections;
        }

        return builder.ConnectionString;
    }
}
