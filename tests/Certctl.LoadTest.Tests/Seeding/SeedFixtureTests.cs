using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Tests.Seeding;

public class SeedFixtureTests
{
    [Fact]
    public void Bulk_renewal_is_10000_active_certificates_named_loadtest_bulk_with_deterministic_ids()
    {
        var fixture = SeedFixture.Find("bulk_renewal")!;

        Assert.Equal(10_000, fixture.DefaultCount);
        Assert.Equal("loadtest-bulk-00001", fixture.NameOf(1));
        Assert.Equal("loadtest-bulk-10000", fixture.NameOf(10_000));
        Assert.Equal("mc-loadtest-bulk-00042", fixture.IdOf(42));
        Assert.Equal("loadtest-bulk-00042.example.test", fixture.CommonNameOf(42));
        Assert.Equal(99_999, fixture.MaxCount);
        Assert.All(Enumerable.Range(1, 10_000), n => Assert.Equal("Active", fixture.ShareOf(n).Status));
    }

    [Fact]
    public void Certificate_list_is_100000_certificates_named_loadtest_list()
    {
        var fixture = SeedFixture.Find("CERTIFICATE_LIST")!;

        Assert.Equal(100_000, fixture.DefaultCount);
        Assert.Equal("loadtest-list-000001", fixture.NameOf(1));
        Assert.Equal("mc-loadtest-list-100000", fixture.IdOf(100_000));
        Assert.Equal(999_999, fixture.MaxCount);
        Assert.Null(SeedFixture.Find("nope"));
    }

    [Fact]
    public void Pipeline_drain_is_10000_active_server_key_certificates_inside_the_30_day_window()
    {
        var fixture = SeedFixture.Find("pipeline_drain")!;

        Assert.Equal(10_000, fixture.DefaultCount);
        Assert.Equal("loadtest-drain-00001", fixture.NameOf(1));
        Assert.Equal("mc-loadtest-drain-10000", fixture.IdOf(10_000));
        Assert.Equal("server", fixture.KeygenMode);
        Assert.Equal("agent", SeedFixture.BulkRenewal.KeygenMode);
        Assert.True(fixture.ExpirySpread < TimeSpan.FromDays(30));
        Assert.All(Enumerable.Range(1, 10_000), n => Assert.Equal("Active", fixture.ShareOf(n).Status));
    }

    [Fact]
    public void Every_fixture_links_to_the_demo_seed_rows_the_original_load_tests_used()
    {
        Assert.Equal(("iss-local", "o-alice", "t-platform", "rp-standard", "prof-standard-tls"),
            (SeedFixture.IssuerId, SeedFixture.OwnerId, SeedFixture.TeamId, SeedFixture.RenewalPolicyId, SeedFixture.ProfileId));
    }

    [Theory]
    [InlineData("bulk_renewal")]
    [InlineData("certificate_list")]
    public void Status_shares_add_up_to_100_percent_and_names_are_distinct_and_valid_host_names(string name)
    {
        var fixture = SeedFixture.Find(name)!;

        Assert.Equal(100, fixture.StatusMix.Sum(share => share.Percent));
        var names = Enumerable.Range(1, 1000).Select(fixture.CommonNameOf).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        // The gateway's common-name rule for host names: labels of letters, digits, '-' (not at either end).
        Assert.All(names, cn => Assert.Matches("^([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", cn));
    }

    [Fact]
    public void Every_hundred_consecutive_list_certificates_hold_the_mix_exactly_and_statuses_are_interleaved()
    {
        var fixture = SeedFixture.CertificateList;

        for (var start = 1; start <= 100_000; start += 25_000)
        {
            var counts = Enumerable.Range(start, 100).GroupBy(n => fixture.ShareOf(n).Status).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(fixture.StatusMix.ToDictionary(share => share.Status, share => share.Percent), counts);
        }

        // No long runs: the first page of 100 (ordered by id) changes status often.
        var firstPage = Enumerable.Range(1, 100).Select(n => fixture.ShareOf(n).Status).ToList();
        Assert.True(firstPage.Zip(firstPage.Skip(1)).Count(pair => pair.First != pair.Second) > 30);
    }

    [Fact]
    public void Bulk_expiries_are_spread_evenly_over_the_next_30_days()
    {
        var fixture = SeedFixture.BulkRenewal;
        var offsets = Enumerable.Range(1, 10_000).Select(n => fixture.ExpiryOffsetOf(n, 10_000)!.Value).ToList();

        Assert.Equal(TimeSpan.FromDays(30) / 10_000, offsets[0]);
        Assert.Equal(TimeSpan.FromDays(30), offsets[^1]);
        var step = offsets[1] - offsets[0];
        Assert.All(offsets.Zip(offsets.Skip(1)), pair => Assert.InRange((pair.Second - pair.First - step).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1)));
        // A quarter of them in each quarter of the window.
        Assert.Equal(2500, offsets.Count(o => o <= TimeSpan.FromDays(7.5)));
    }

    [Fact]
    public void List_expiries_follow_the_status()
    {
        var fixture = SeedFixture.CertificateList;
        var offsets = Enumerable.Range(1, 100_000).Select(n => (Status: fixture.ShareOf(n).Status, Offset: fixture.ExpiryOffsetOf(n, 100_000))).ToList();

        Assert.All(offsets.Where(o => o.Status == "Pending"), o => Assert.Null(o.Offset));
        Assert.All(offsets.Where(o => o.Status == "Expired"), o => Assert.True(o.Offset < TimeSpan.Zero && o.Offset >= -TimeSpan.FromDays(90)));
        Assert.All(offsets.Where(o => o.Status == "Expiring"), o => Assert.InRange(o.Offset!.Value, TimeSpan.Zero, TimeSpan.FromDays(30)));
        Assert.All(offsets.Where(o => o.Status == "Active"), o => Assert.InRange(o.Offset!.Value, TimeSpan.Zero, TimeSpan.FromDays(90)));
        Assert.True(offsets.Where(o => o.Status == "Active").Max(o => o.Offset) > TimeSpan.FromDays(89));
    }
}
