using Certctl.Scheduler.Options;

namespace Certctl.Scheduler.Tests.Jobs;

internal static class Settings
{
    public static Microsoft.Extensions.Options.IOptions<SchedulerOptions> Of(Action<SchedulerOptions>? change = null)
    {
        var options = new SchedulerOptions();
        change?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }
}
