using Certctl.Domain;

namespace Certctl.Domain.Tests;

public sealed class CertificateTransitionTests
{
    private static readonly HashSet<(CertificateStatus, CertificateStatus)> Legal =
    [
        (CertificateStatus.Pending, CertificateStatus.Active),
        (CertificateStatus.Pending, CertificateStatus.Failed),
        (CertificateStatus.Pending, CertificateStatus.Archived),
        (CertificateStatus.Active, CertificateStatus.Expiring),
        (CertificateStatus.Active, CertificateStatus.Expired),
        (CertificateStatus.Active, CertificateStatus.RenewalInProgress),
        (CertificateStatus.Active, CertificateStatus.Revoked),
        (CertificateStatus.Active, CertificateStatus.Archived),
        (CertificateStatus.Expiring, CertificateStatus.RenewalInProgress),
        (CertificateStatus.Expiring, CertificateStatus.Expired),
        (CertificateStatus.Expiring, CertificateStatus.Active),
        (CertificateStatus.Expiring, CertificateStatus.Revoked),
        (CertificateStatus.Expiring, CertificateStatus.Archived),
        (CertificateStatus.Expired, CertificateStatus.RenewalInProgress),
        (CertificateStatus.Expired, CertificateStatus.Revoked),
        (CertificateStatus.Expired, CertificateStatus.Archived),
        (CertificateStatus.RenewalInProgress, CertificateStatus.Active),
        (CertificateStatus.RenewalInProgress, CertificateStatus.Failed),
        (CertificateStatus.RenewalInProgress, CertificateStatus.Revoked),
        (CertificateStatus.RenewalInProgress, CertificateStatus.Archived),
        (CertificateStatus.Failed, CertificateStatus.RenewalInProgress),
        (CertificateStatus.Failed, CertificateStatus.Pending),
        (CertificateStatus.Failed, CertificateStatus.Revoked),
        (CertificateStatus.Failed, CertificateStatus.Archived),
    ];

    public static TheoryData<CertificateStatus, CertificateStatus> AllPairs()
    {
        var data = new TheoryData<CertificateStatus, CertificateStatus>();
        foreach (var from in Enum.GetValues<CertificateStatus>())
        {
            foreach (var to in Enum.GetValues<CertificateStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Each_pair_is_legal_exactly_when_the_rules_list_it(CertificateStatus from, CertificateStatus to)
    {
        var legal = Legal.Contains((from, to));
        Assert.Equal(legal, CertificateTransitions.CanTransition(from, to));
        if (legal)
        {
            CertificateTransitions.EnsureTransition(from, to);
        }
        else
        {
            var error = Assert.Throws<IllegalTransitionException>(() => CertificateTransitions.EnsureTransition(from, to));
            Assert.Equal("certificate", error.Entity);
        }
    }

    [Theory]
    [InlineData(CertificateStatus.Revoked)]
    [InlineData(CertificateStatus.Archived)]
    public void Revoked_and_archived_are_terminal(CertificateStatus status)
    {
        Assert.True(CertificateTransitions.IsTerminal(status));
        Assert.Empty(CertificateTransitions.Table.ExitsFrom(status));
    }

    [Fact]
    public void Only_revoked_and_archived_are_terminal()
    {
        var terminal = Enum.GetValues<CertificateStatus>().Where(CertificateTransitions.IsTerminal);
        Assert.Equal([CertificateStatus.Revoked, CertificateStatus.Archived], terminal);
    }

    [Fact]
    public void A_new_certificate_starts_pending()
    {
        Assert.Equal(CertificateStatus.Pending, CertificateTransitions.Initial);
    }
}
