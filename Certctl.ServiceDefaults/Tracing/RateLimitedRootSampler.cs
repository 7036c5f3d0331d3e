using OpenTelemetry.Trace;

namespace Certctl.ServiceDefaults.Tracing;

/// <summary>
/// Decides for new root traces only (wrap it in <see cref="ParentBasedSampler"/>): a share of them (<c>ratio</c>, by trace id, so
/// every service agrees), and of those at most <c>perSecond</c> a second after a burst. At the rates of local work every trace is kept; under load
/// (a renewal drain, a heartbeat storm) the dashboard receives a steady sample instead of every span, which cost it more CPU than the
/// pipeline itself.
/// </summary>
public sealed class RateLimitedRootSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);

    private readonly Sampler _ratio;
    private readonly TraceRateLimiter? _limiter;

    /// <param name="ratio">Share of root traces considered, 0–1.</param>
    /// <param name="perSecond">Most root traces kept a second on average; 0 for no limit.</param>
    /// <param name="burst">Most root traces kept at once after a quiet spell; by default one second's worth.</param>
    public RateLimitedRootSampler(double ratio, double perSecond, TraceRateLimiter? limiter = null, int? burst = null)
    {
        _ratio = new TraceIdRatioBasedSampler(ratio);
        _limiter = limiter ?? (perSecond > 0 ? new TraceRateLimiter(perSecond, burst: burst) : null);
        Description = $"RateLimitedRootSampler{{ratio={ratio}, perSecond={perSecond}, burst={burst}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (_ratio.ShouldSample(samplingParameters).Decision == SamplingDecision.Drop)
        {
            return Drop;
        }

        return _limiter is null || _limiter.TryAdmit() ? Keep : Drop;
    }
}
