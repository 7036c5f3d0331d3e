namespace Certctl.Gateway.Caching;

/// <summary>Puts a strong ETag and If-None-Match (304) handling on a polled list endpoint.</summary>
public static class ListETagExtensions
{
    /// <summary>
    /// <c>group.MapGet("/certificates", List).WithListETag("managed_certificates")</c>: the tag changes with every insert, update
    /// or delete that touches the rows the handler's <see cref="IListFilter"/> argument selects (every row when it has none, or
    /// those of <paramref name="defaultFilter"/>), and with the query. The table needs a change journal (<c>install_list_journal</c>).
    /// </summary>
    public static RouteHandlerBuilder WithListETag(this RouteHandlerBuilder builder, string table, IListFilter? defaultFilter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        return builder
            .AddEndpointFilter(new ListETagFilter(table, defaultFilter ?? ListFilter.All(table)))
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem(); // a bad filter value, limit or cursor
    }

    /// <summary>
    /// Adds the <see cref="ListETag"/> service (needs the Certctl <c>NpgsqlDataSource</c>), the journal pruner, the tag cache and
    /// its version poller.
    /// </summary>
    public static IServiceCollection AddListETags(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChangeJournalOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ListETagCacheOptions>().Bind(configuration).ValidateDataAnnotations()
            .Validate(options => !options.Enabled || options.MaxStalenessMilliseconds >= options.RefreshMilliseconds,
                "CERTCTL_LIST_ETAG_MAX_STALENESS_MS must be at least CERTCTL_LIST_ETAG_REFRESH_MS.")
            .ValidateOnStart();
        services.AddHostedService<ChangeJournalPruner>();
        services.AddSingleton<ListETagCache>();
        services.AddHostedService<TableVersionPoller>();
        return services.AddSingleton<ListETag>();
    }

    /// <summary>Drops this gateway's cached list tags after each of its state-changing operator calls (read-your-writes).</summary>
    public static IApplicationBuilder UseListETagLocalWrites(this IApplicationBuilder app) =>
        app.UseMiddleware<LocalWriteInvalidationMiddleware>();
}
