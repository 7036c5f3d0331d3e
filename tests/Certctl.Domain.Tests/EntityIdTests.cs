using System.Text.RegularExpressions;
using Certctl.Domain;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Domain.Tests;

public sealed partial class EntityIdTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [GeneratedRegex("^job-[0-7][0-9abcdefghjkmnpqrstvwxyz]{25}$")]
    private static partial Regex JobIdShape();

    [Fact]
    public void An_id_is_prefix_dash_and_26_lowercase_crockford_characters()
    {
        var id = new IdGenerator(new FakeTimeProvider(Start)).NewId(IdPrefix.Job);

        Assert.Matches(JobIdShape(), id);
        Assert.True(EntityId.IsWellFormed(id));
        Assert.True(EntityId.IsWellFormed(id, IdPrefix.Job));
        Assert.False(EntityId.IsWellFormed(id, IdPrefix.Agent));
    }

    [Fact]
    public void The_id_carries_the_millisecond_it_was_made()
    {
        var clock = new FakeTimeProvider(Start.AddTicks(12_345));
        var id = new IdGenerator(clock).NewId(IdPrefix.ManagedCertificate);

        Assert.True(EntityId.TryParse(id, out var prefix, out var createdAt));
        Assert.Equal("mc", prefix);
        Assert.Equal(Start.AddMilliseconds(1), createdAt); // 12,345 ticks is 1.2345 ms, truncated
    }

    [Fact]
    public void The_timestamp_prefix_matches_a_known_ulid_encoding()
    {
        // The ULID specification's example: 1469918176385 ms encodes as 01ARYZ6S41.
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_469_918_176_385));
        var id = new IdGenerator(clock, buffer => buffer.Clear()).NewId("t");

        Assert.Equal("t-01aryz6s41" + new string('0', 16), id);
    }

    [Fact]
    public void Ten_thousand_ids_are_unique()
    {
        var clock = new FakeTimeProvider(Start);
        var generator = new IdGenerator(clock);
        var ids = new HashSet<string>();

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(ids.Add(generator.NewId(IdPrefix.Job)));
            if (i % 100 == 0)
            {
                clock.Advance(TimeSpan.FromMilliseconds(1));
            }
        }
    }

    [Fact]
    public void Ids_made_within_one_millisecond_sort_in_the_order_they_were_made()
    {
        var generator = new IdGenerator(new FakeTimeProvider(Start));

        var ids = Enumerable.Range(0, 1_000).Select(_ => generator.NewId(IdPrefix.Job)).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Later_ids_sort_after_earlier_ones()
    {
        var clock = new FakeTimeProvider(Start);
        var generator = new IdGenerator(clock);

        var earlier = generator.NewId(IdPrefix.Job);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var later = generator.NewId(IdPrefix.Job);

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Fact]
    public void A_clock_that_steps_back_does_not_break_the_order()
    {
        // FakeTimeProvider refuses to go back, which is exactly what a host clock may do after an NTP step.
        var clock = new SteppingClock { UtcNow = Start };
        var generator = new IdGenerator(clock);

        var first = generator.NewId(IdPrefix.Job);
        clock.UtcNow = Start.AddSeconds(-5);
        var second = generator.NewId(IdPrefix.Job);

        Assert.True(string.CompareOrdinal(first, second) < 0);
    }

    [Fact]
    public void A_spent_counter_borrows_the_next_millisecond()
    {
        // Every random draw is all ones, so the second id in the millisecond has nowhere left to count.
        var generator = new IdGenerator(new FakeTimeProvider(Start), buffer => buffer.Fill(0xFF));

        var first = generator.NewId(IdPrefix.Job);
        var second = generator.NewId(IdPrefix.Job);

        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.True(EntityId.TryParse(second, out _, out var createdAt));
        Assert.Equal(Start.AddMilliseconds(1), createdAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("JOB")]
    [InlineData("job-x")]
    [InlineData("toolongprefix")]
    [InlineData("j0b")]
    public void Bad_prefixes_are_refused(string prefix)
    {
        var generator = new IdGenerator(new FakeTimeProvider(Start));
        Assert.Throws<ArgumentException>(() => generator.NewId(prefix));
    }

    [Theory]
    [InlineData("mc-api-prod")] // seed ids are valid row ids but not generated ones
    [InlineData("job-01jh000000000000000000000000")] // 28 characters
    [InlineData("job-01jh000000000000000000000")] // 25 characters
    [InlineData("job-8zzzzzzzzzzzzzzzzzzzzzzzzz")] // would not fit 128 bits
    [InlineData("job-01JH0000000000000000000000")] // upper case
    [InlineData("job-01ih0000000000000000000000")] // 'i' is not Crockford
    [InlineData("JOB-01jh0000000000000000000000")]
    [InlineData("-01jh0000000000000000000000")]
    [InlineData("01jh0000000000000000000000")]
    [InlineData(null)]
    public void Other_strings_are_not_well_formed(string? id)
    {
        Assert.False(EntityId.IsWellFormed(id));
    }

    [Fact]
    public void Every_documented_prefix_is_valid()
    {
        string[] prefixes =
        [
            IdPrefix.ManagedCertificate, IdPrefix.CertificateVersion, IdPrefix.Job, IdPrefix.Agent,
            IdPrefix.DeploymentTarget, IdPrefix.Issuer, IdPrefix.Owner, IdPrefix.Team, IdPrefix.RenewalPolicy,
            IdPrefix.CertificateProfile, IdPrefix.NotificationEvent, IdPrefix.CertificateRevocation,
            IdPrefix.AcmeAccount, IdPrefix.AcmeOrder, IdPrefix.AcmeAuthorization, IdPrefix.AcmeChallenge,
            IdPrefix.DiscoveredCertificate, IdPrefix.DiscoveryScan,
        ];

        Assert.All(prefixes, prefix => Assert.True(EntityId.IsValidPrefix(prefix)));
        Assert.Equal(prefixes.Length, prefixes.Distinct().Count());
    }

    private sealed class SteppingClock : TimeProvider
    {
        public DateTimeOffset UtcNow { get; set; }

        public override DateTimeOffset GetUtcNow() => UtcNow;
    }
}
