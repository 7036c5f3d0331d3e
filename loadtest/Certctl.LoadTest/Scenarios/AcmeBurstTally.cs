namespace Certctl.LoadTest.Scenarios;

/// <summary>What <c>acme_burst</c> read, from many request tasks at once: good answers per endpoint, and the 429s by shape.</summary>
public sealed class AcmeBurstTally
{
    private long directory;
    private long newNonce;
    private long renewalInfo;
    private long rateLimited;
    private long malformedRateLimited;

    public void Answered(string endpoint)
    {
        switch (endpoint)
        {
            case AcmeBurstScenario.Directory:
                Interlocked.Increment(ref directory);
                break;
            case AcmeBurstScenario.NewNonce:
                Interlocked.Increment(ref newNonce);
                break;
            default:
                Interlocked.Increment(ref renewalInfo);
                break;
        }
    }

    public void RateLimited(bool wellFormed) => Interlocked.Increment(ref wellFormed ? ref rateLimited : ref malformedRateLimited);

    public IReadOnlyList<ResponseCount> Report() =>
    [
        new("directory 200", Interlocked.Read(ref directory)),
        new("new_nonce 200 with Replay-Nonce", Interlocked.Read(ref newNonce)),
        new("renewal_info 200 with Retry-After", Interlocked.Read(ref renewalInfo)),
        new("429 rateLimited problem with Retry-After", Interlocked.Read(ref rateLimited)),
        new("429 without that shape (errors)", Interlocked.Read(ref malformedRateLimited)),
    ];
}
