using Certctl.Acme.Http;
using Certctl.Acme.Nonces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Acme.Tests;

/// <summary>The sealed nonce format without a database: what opens, what does not, and when it goes stale.</summary>
public sealed class NonceServiceTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_fresh_nonce_opens_with_a_distinct_id_and_its_expiry()
    {
        using var nonces = Service(_clock);
        var first = nonces.Open(nonces.Issue());
        var second = nonces.Open(nonces.Issue());

        Assert.Equal(NonceVerdict.Redeemable, first.Verdict);
        Assert.Equal(NonceVerdict.Redeemable, second.Verdict);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(5), first.ExpiresAt);
    }

    [Fact]
    public void Another_replica_with_the_same_key_opens_it_and_one_with_another_key_does_not()
    {
        using var minting = Service(_clock);
        using var sameKey = Service(_clock);
        using var otherKey = Service(_clock, Convert.ToBase64String(new byte[32]));
        var nonce = minting.Issue();

        Assert.Equal(NonceVerdict.Redeemable, sameKey.Open(nonce).Verdict);
        Assert.Equal(NonceVerdict.Forged, otherKey.Open(nonce).Verdict);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-nonce")]
    public void Anything_else_is_forged(string? text)
    {
        using var nonces = Service(_clock);
        Assert.Equal(NonceVerdict.Forged, nonces.Open(text).Verdict);
    }

    [Fact]
    public void A_changed_character_is_forged()
    {
        using var nonces = Service(_clock);
        var nonce = nonces.Issue().ToCharArray();
        nonce[20] = nonce[20] == 'x' ? 'y' : 'x';
        Assert.Equal(NonceVerdict.Forged, nonces.Open(new string(nonce)).Verdict);
    }

    [Fact]
    public void A_nonce_is_stale_after_its_lifetime()
    {
        using var nonces = Service(_clock);
        var nonce = nonces.Issue();
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(NonceVerdict.Redeemable, nonces.Open(nonce).Verdict);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(NonceVerdict.Stale, nonces.Open(nonce).Verdict);
    }

    [Fact]
    public void A_nonce_from_far_in_the_future_is_not_ours()
    {
        var ahead = new FakeTimeProvider(_clock.GetUtcNow().AddHours(1));
        using var future = Service(ahead);
        using var nonces = Service(_clock);
        Assert.Equal(NonceVerdict.Forged, nonces.Open(future.Issue()).Verdict);
    }

    private static NonceService Service(TimeProvider clock, string? key = null) =>
        new(Options.Create(new AcmeServerOptions { NonceKey = key ?? AcmeHost.NonceKey }), clock);
}
