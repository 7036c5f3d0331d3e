using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Options;

/// <summary>Stops the scheduler at start when a duration does not parse or is under its floor, naming the variable.</summary>
public sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var failures = new List<string>();
        foreach (var (variable, value, floor) in options.Durations())
        {
            if (!GoDuration.TryParse(value, out var duration))
            {
                failures.Add($"{variable} = '{value}' is not a duration (write e.g. 30s, 5m, 1h30m).");
            }
            else if (duration < floor)
            {
                failures.Add($"{variable} = '{value}' is below its minimum of {floor}.");
            }
        }

        if (failures.Count == 0 && options.BackoffMax < options.BackoffBase)
        {
            failures.Add("CERTCTL_JOB_RETRY_BACKOFF_MAX must not be shorter than CERTCTL_JOB_RETRY_BACKOFF_BASE.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
