namespace Certctl.Scheduler.Loops;

/// <summary>When and how one scheduler loop runs.</summary>
/// <param name="Name">The loop's name in logs, metrics and its advisory-lock key.</param>
/// <param name="Interval">The nominal time between runs; each wait is jittered by ±10 %.</param>
/// <param name="Timeout">How long one run may take before it is cancelled.</param>
/// <param name="RunAtStart">True: run once as soon as the host starts; false: first run one interval after start.</param>
/// <param name="OncePerCluster">True: a run takes a Postgres advisory lock and the tick is skipped when another replica holds it.</param>
public sealed record LoopSchedule(string Name, TimeSpan Interval, TimeSpan Timeout, bool RunAtStart, bool OncePerCluster);
