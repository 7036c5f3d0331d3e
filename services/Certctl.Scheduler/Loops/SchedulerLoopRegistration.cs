using Certctl.Scheduler.AcmeCleanup;
using Certctl.Scheduler.Agents;
using Certctl.Scheduler.Dispatch;
using Certctl.Scheduler.Expiry;
using Certctl.Scheduler.Leases;
using Certctl.Scheduler.Notifications;
using Certctl.Scheduler.Options;
using Certctl.Scheduler.Renewal;
using Certctl.Scheduler.Retry;
using Certctl.Scheduler.Revocation;
using Certctl.Scheduler.Timeouts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Loops;

/// <summary>Registers the scheduler's options (validated on start) and one hosted <see cref="ScheduledLoop"/> per loop.</summary>
public static class SchedulerLoopRegistration
{
    public static IServiceCollection AddSchedulerLoops(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchedulerOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LoopMetrics>();
        services.AddSingleton<IClusterLock, PostgresAdvisoryLock>();
        // The dispatcher also runs when jobs are queued (DispatchWakeupConsumer, the renewal scan) and, while jobs run, every busy interval.
        services.AddKeyedSingleton<LoopWakeup>(JobDispatcher.LoopName);

        // Interval and per-run timeout follow the original (reference §1.2); the lease sweeper is new.
        services.AddLoop<RenewalScan>(o => new(RenewalScan.LoopName, o.RenewalCheck, TimeSpan.FromMinutes(5), true, OncePerCluster: true));
        services.AddLoop<JobDispatcher>(o => new(JobDispatcher.LoopName, o.JobProcessor, TimeSpan.FromMinutes(2), true, OncePerCluster: true));
        services.AddLoop<JobRetry>(o => new(JobRetry.LoopName, o.Retry, TimeSpan.FromMinutes(2), true, OncePerCluster: true));
        services.AddLoop<JobTimeoutReaper>(o => new(JobTimeoutReaper.LoopName, o.JobTimeout, TimeSpan.FromMinutes(2), true, OncePerCluster: false));
        services.AddLoop<LeaseSweeper>(o => new(LeaseSweeper.LoopName, o.LeaseSweep, TimeSpan.FromMinutes(1), true, OncePerCluster: false));
        services.AddLoop<AgentHealthCheck>(o => new(AgentHealthCheck.LoopName, o.AgentHealthCheck, TimeSpan.FromMinutes(1), true, OncePerCluster: false));

        // Expiry alerts and their delivery (docs/notifications.md); the short-lived expiry and ACME clean-up (reference §1.2 rows 8 and 14).
        services.AddNotifications(configuration);
        services.AddLoop<ExpiryAlertScan>(o => new(ExpiryAlertScan.LoopName, o.ExpiryAlert, TimeSpan.FromMinutes(5), true, OncePerCluster: true));
        services.AddLoop<PendingNotificationDelivery>(o =>
            new(NotificationDelivery.PendingLoopName, o.NotificationProcess, TimeSpan.FromMinutes(1), true, OncePerCluster: false));
        services.AddLoop<NotificationRetryDelivery>(o =>
            new(NotificationDelivery.RetryLoopName, o.NotificationRetry, TimeSpan.FromMinutes(2), true, OncePerCluster: false));
        services.AddLoop<ShortLivedExpiry>(o => new(ShortLivedExpiry.LoopName, o.ShortLivedExpiryCheck, TimeSpan.FromSeconds(30), true, OncePerCluster: false));
        if (!new SchedulerOptions { AcmeServerGcInterval = configuration["CERTCTL_ACME_SERVER_GC_INTERVAL"] ?? "1m" }.AcmeCleanupOff)
        {
            services.AddLoop<AcmeCleanup.AcmeCleanup>(o =>
                new(AcmeCleanup.AcmeCleanup.LoopName, o.AcmeServerGc, TimeSpan.FromMinutes(1), RunAtStart: false, OncePerCluster: true));
        }

        services.AddLoop<CrlPregeneration>(o => new(CrlPregeneration.LoopName, o.CrlGeneration, TimeSpan.FromMinutes(5), false, OncePerCluster: true));
        services.AddLoop<RevocationNotifySweep>(o => new(RevocationNotifySweep.LoopName, o.RevocationSweep, TimeSpan.FromMinutes(1), true, OncePerCluster: true));
        return services;
    }

    private static void AddLoop<TWork>(this IServiceCollection services, Func<SchedulerOptions, LoopSchedule> schedule)
        where TWork : class, ILoopWork
    {
        services.AddSingleton<TWork>();
        // Not AddHostedService: it de-duplicates by implementation type and would keep only the first ScheduledLoop.
        services.AddSingleton<IHostedService>(provider =>
        {
            var loop = schedule(provider.GetRequiredService<IOptions<SchedulerOptions>>().Value);
            return new ScheduledLoop(
                loop,
                provider.GetRequiredService<TWork>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<IClusterLock>(),
                provider.GetRequiredService<LoopMetrics>(),
                provider.GetRequiredService<ILogger<ScheduledLoop>>(),
                wakeup: provider.GetKeyedService<LoopWakeup>(loop.Name));
        });
    }
}
