namespace Certctl.Gateway.Audit;

/// <summary>Registers the API-call audit trail: options, queue, batch insert and the background writer.</summary>
public static class AuditServiceExtensions
{
    /// <summary>Adds the audit queue and its writer (needs the Certctl <c>NpgsqlDataSource</c>).</summary>
    public static IServiceCollection AddApiAuditTrail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditTrailOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditQueue>();
        services.AddSingleton<AuditBatchInsert>();
        services.AddHostedService<AuditTrailWriter>();
        return services;
    }
}
