namespace Certctl.Gateway.Caching;

/// <summary>Puts a strong ETag and If-None-Match (304) handling on a polled list endpoint.</summary>
public static class ListETagExtensions
{
    /// <summary>
    /// <c>group.MapGet("/certificates", List).WithListETag("managed_certificates")</c>: the tag changes with every insert,
    /// update or delete in <paramref name="table"/> (which needs a <c>table_versions</c> counter) and with the query.
    /// </summary>
    public static RouteHandlerBuilder WithListETag(this RouteHandlerBuilder builder, string table)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        return builder
            .AddEndpointFilter(new ListETagFilter(table))
            .Produces(StatusCodes.Status304NotModified);
    }

    /// <summary>Adds the <see cref="ListETag"/> service (needs the Certctl <c>NpgsqlDataSource</c>).</summary>
    public static IServiceCollection AddListETags(this IServiceCollection services) => services.AddSingleton<ListETag>();
}
