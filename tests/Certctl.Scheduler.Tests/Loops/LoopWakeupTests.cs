using Certctl.Scheduler.Loops;

namespace Certctl.Scheduler.Tests.Loops;

/// <summary>Early runs of a loop: a wake ends the current wait, and wakes that arrive before the run coalesce into one.</summary>
public sealed class LoopWakeupTests
{
    [Fact]
    public void A_wait_without_a_wake_stays_pending()
    {
        var wakeup = new LoopWakeup();
        Assert.False(wakeup.NextAsync().IsCompleted);
    }

    [Fact]
    public void A_wake_ends_the_pending_wait()
    {
        var wakeup = new LoopWakeup();
        var wait = wakeup.NextAsync();

        wakeup.Wake();

        Assert.True(wait.IsCompleted);
    }

    [Fact]
    public void Wakes_before_a_wait_coalesce_into_one_early_run()
    {
        var wakeup = new LoopWakeup();
        wakeup.Wake();
        wakeup.Wake();
        wakeup.Wake();

        Assert.True(wakeup.NextAsync().IsCompleted);  // the run the wakes asked for
        Assert.False(wakeup.NextAsync().IsCompleted); // and only one
    }

    [Fact]
    public void A_wake_during_a_run_makes_the_next_wait_end_at_once()
    {
        var wakeup = new LoopWakeup();
        wakeup.Wake();
        Assert.True(wakeup.NextAsync().IsCompleted); // consumed: the run starts

        wakeup.Wake(); // a slot frees while it runs

        Assert.True(wakeup.NextAsync().IsCompleted);
    }
}
