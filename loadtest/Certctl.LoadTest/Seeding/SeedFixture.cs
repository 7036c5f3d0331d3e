using System.Globalization;

namespace Certctl.LoadTest.Seeding;

/// <summary>
/// A set of managed certificates a load scenario runs against, inserted straight into Postgres. Certificate number n
/// (1-based) has the id <c>mc-{prefix}{n:digits}</c> and the name <c>{prefix}{n:digits}</c>, so a rerun finds the same rows;
/// it belongs to the demo seed's issuer, owner, team, renewal policy and profile; its status follows
/// <see cref="StatusMix"/> and its expiry lies <c>n × spread / count</c> from the seed time (see <see cref="ExpiryRule"/>).
/// </summary>
public sealed record SeedFixture(
    string Name, string Description, string NamePrefix, int DefaultCount, int Digits, TimeSpan ExpirySpread, IReadOnlyList<StatusShare> StatusMix)
{
    /// <summary>The demo seed's rows every fixture certificate links to (the original's load tests used the same four, plus the profile those certificates use).</summary>
    public const string IssuerId = "iss-local";
    public const string OwnerId = "o-alice";
    public const string TeamId = "t-platform";
    public const string RenewalPolicyId = "rp-standard";
    public const string ProfileId = "prof-standard-tls";

    /// <summary>Reserved for documentation and tests (RFC 2606), so a seeded name never resolves anywhere.</summary>
    public const string DnsSuffix = ".example.test";

    /// <summary>
    /// The status of certificate n is picked by <c>(n × 37) mod 100</c> against the shares' cumulative percentages: every
    /// run of 100 consecutive numbers holds the mix exactly, and (37 being prime to 100) the statuses are interleaved, so
    /// any page of the list shows the mix rather than long runs of one status.
    /// </summary>
    public const int StatusStride = 37;

    /// <summary>10,000 Active certificates expiring over the next 30 days; the set <c>bulk_renewal</c> renews by name prefix.</summary>
    public static SeedFixture BulkRenewal { get; } = new(
        "bulk_renewal",
        "10,000 Active certificates loadtest-bulk-00001…, expiring evenly over the next 30 days",
        "loadtest-bulk-",
        DefaultCount: 10_000,
        Digits: 5,
        TimeSpan.FromDays(30),
        [new StatusShare("Active", 100, ExpiryRule.Spread)]);

    /// <summary>100,000 certificates of mixed status expiring over 90 days; the inventory <c>certificate_list</c> pages through.</summary>
    public static SeedFixture CertificateList { get; } = new(
        "certificate_list",
        "100,000 certificates loadtest-list-000001…, statuses mixed, expiries spread over 90 days",
        "loadtest-list-",
        DefaultCount: 100_000,
        Digits: 6,
        TimeSpan.FromDays(90),
        [
            new StatusShare("Active", 70, ExpiryRule.Spread),
            new StatusShare("Expiring", 10, ExpiryRule.Soon),
            new StatusShare("RenewalInProgress", 4, ExpiryRule.Soon),
            new StatusShare("Failed", 2, ExpiryRule.Soon),
            new StatusShare("Pending", 3, ExpiryRule.None),
            new StatusShare("Expired", 5, ExpiryRule.Past),
            new StatusShare("Revoked", 3, ExpiryRule.Spread),
            new StatusShare("Archived", 3, ExpiryRule.Spread),
        ]);

    /// <summary>
    /// 10,000 Active certificates in server key mode, all inside <c>rp-standard</c>'s 30-day renewal window; the set
    /// <c>pipeline_drain</c> renews with one bulk call and watches the scheduler and the CA connector issue (no agent needed:
    /// the connector makes the key, ECDSA P-256, the first key <c>prof-standard-tls</c> allows; that profile needs no approval).
    /// </summary>
    public static SeedFixture PipelineDrain { get; } = new(
        "pipeline_drain",
        "10,000 Active certificates loadtest-drain-00001…, server key mode, expiring evenly over the next 20 days",
        "loadtest-drain-",
        DefaultCount: 10_000,
        Digits: 5,
        TimeSpan.FromDays(20),
        [new StatusShare("Active", 100, ExpiryRule.Spread)])
    {
        KeygenMode = ServerKeygen,
    };

    public static IReadOnlyList<SeedFixture> All { get; } = [BulkRenewal, CertificateList, PipelineDrain];

    /// <summary>The agent makes the key and sends a CSR: a renewal job waits for it, so nothing is issued without an agent.</summary>
    public const string AgentKeygen = "agent";

    /// <summary>The CA connector makes the key itself: a renewal job goes straight to dispatch and issuance.</summary>
    public const string ServerKeygen = "server";

    /// <summary>Where the fixture's keys are made (<c>managed_certificates.keygen_mode</c>).</summary>
    public string KeygenMode { get; init; } = AgentKeygen;

    /// <summary>Every id of the fixture starts with this.</summary>
    public string IdPrefix => "mc-" + NamePrefix;

    /// <summary>The most certificates the fixture's number width can name.</summary>
    public int MaxCount => (int)Math.Pow(10, Digits) - 1;

    /// <summary>The fixture called <paramref name="name"/>, or null.</summary>
    public static SeedFixture? Find(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public string IdOf(int n) => IdPrefix + Number(n);

    public string NameOf(int n) => NamePrefix + Number(n);

    public string CommonNameOf(int n) => NameOf(n) + DnsSuffix;

    /// <summary>The status certificate <paramref name="n"/> is seeded with (the SQL computes the same, see <see cref="SeedSql"/>).</summary>
    public StatusShare ShareOf(int n)
    {
        var bucket = (int)((long)n * StatusStride % 100);
        var upTo = 0;
        foreach (var share in StatusMix)
        {
            upTo += share.Percent;
            if (bucket < upTo)
            {
                return share;
            }
        }

        return StatusMix[^1];
    }

    /// <summary>How far from the seed time certificate <paramref name="n"/> of <paramref name="count"/> expires (negative: in the past; null: never issued).</summary>
    public TimeSpan? ExpiryOffsetOf(int n, int count)
    {
        var offset = ExpirySpread * ((double)n / count);
        return ShareOf(n).Expiry switch
        {
            ExpiryRule.None => null,
            ExpiryRule.Past => -offset,
            ExpiryRule.Soon => offset / 3,
            _ => offset,
        };
    }

    private string Number(int n) => n.ToString(CultureInfo.InvariantCulture).PadLeft(Digits, '0');
}
