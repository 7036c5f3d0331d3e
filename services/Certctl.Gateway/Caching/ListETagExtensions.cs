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

    /// <summary>Adds the <see cref="ListETag"/> service (needs the Certctl <c>NpgsqlDataSource</c>) and the journal pruner.</summary>
    public static IServiceCollection AddListETags(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChangeJournalOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<ChangeJournalPruner>();
        return services.AddSingleton<ListETag>();
    }
}
