using Certctl.Domain;

namespace Certctl.Domain.Tests;

public sealed class WireNameTests
{
    // The DB CHECK constraints hold these exact strings; a rename here is a migration.
    public static TheoryData<Enum, string> Canonical() => new()
    {
        { CertificateStatus.Pending, "Pending" },
        { CertificateStatus.Active, "Active" },
        { CertificateStatus.Expiring, "Expiring" },
        { CertificateStatus.Expired, "Expired" },
        { CertificateStatus.RenewalInProgress, "RenewalInProgress" },
        { CertificateStatus.Failed, "Failed" },
        { CertificateStatus.Revoked, "Revoked" },
        { CertificateStatus.Archived, "Archived" },
        { JobStatus.Pending, "Pending" },
        { JobStatus.AwaitingCsr, "AwaitingCSR" },
        { JobStatus.AwaitingApproval, "AwaitingApproval" },
        { JobStatus.AwaitingIssuer, "AwaitingIssuer" },
        { JobStatus.Running, "Running" },
        { JobStatus.Completed, "Completed" },
        { JobStatus.Failed, "Failed" },
        { JobStatus.Cancelled, "Cancelled" },
        { JobType.Issuance, "Issuance" },
        { JobType.Renewal, "Renewal" },
        { JobType.Deployment, "Deployment" },
        { JobType.Validation, "Validation" },
        { AgentStatus.Online, "Online" },
        { AgentStatus.Offline, "Offline" },
        { AgentStatus.Degraded, "Degraded" },
        { KeygenMode.Agent, "agent" },
        { KeygenMode.Server, "server" },
        { RevocationReason.Unspecified, "unspecified" },
        { RevocationReason.KeyCompromise, "keyCompromise" },
        { RevocationReason.CaCompromise, "caCompromise" },
        { RevocationReason.AffiliationChanged, "affiliationChanged" },
        { RevocationReason.Superseded, "superseded" },
        { RevocationReason.CessationOfOperation, "cessationOfOperation" },
        { RevocationReason.CertificateHold, "certificateHold" },
        { RevocationReason.PrivilegeWithdrawn, "privilegeWithdrawn" },
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void Every_value_writes_its_canonical_name_and_reads_back(Enum value, string wire)
    {
        Assert.Equal(wire, ToWire(value));
        Assert.Equal(value, Parse(value.GetType(), wire));
        Assert.Equal(value, Parse(value.GetType(), wire.ToLowerInvariant()));
        Assert.Equal(value, Parse(value.GetType(), wire.ToUpperInvariant()));
    }

    [Fact]
    public void The_table_above_covers_every_member_of_every_enum()
    {
        var listed = Canonical().Select(row => (Enum)row[0]).ToHashSet();
        Enum[] all =
        [
            .. Enum.GetValues<CertificateStatus>().Cast<Enum>(),
            .. Enum.GetValues<JobStatus>().Cast<Enum>(),
            .. Enum.GetValues<JobType>().Cast<Enum>(),
            .. Enum.GetValues<AgentStatus>().Cast<Enum>(),
            .. Enum.GetValues<KeygenMode>().Cast<Enum>(),
            .. Enum.GetValues<RevocationReason>().Cast<Enum>(),
        ];
        Assert.All(all, value => Assert.Contains(value, listed));
    }

    [Theory]
    [InlineData("awaitingcsr")]
    [InlineData("AWAITINGCSR")]
    [InlineData("AwaitingCsr")]
    public void Legacy_spellings_of_awaiting_csr_parse(string wire)
    {
        Assert.True(WireNames<JobStatus>.TryParse(wire, out var status));
        Assert.Equal(JobStatus.AwaitingCsr, status);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" Pending")]
    [InlineData("Awaiting_CSR")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData(null)]
    public void Unknown_names_and_numbers_do_not_parse(string? wire)
    {
        Assert.False(WireNames<JobStatus>.TryParse(wire, out _));
        Assert.Throws<FormatException>(() => WireNames<JobStatus>.Parse(wire ?? "null"));
    }

    [Fact]
    public void An_undefined_value_has_no_wire_name()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((JobStatus)99).ToWire());
    }

    [Fact]
    public void Values_lists_every_member()
    {
        Assert.Equal(Enum.GetValues<JobStatus>(), WireNames<JobStatus>.Values);
    }

    private static string ToWire(Enum value) => value switch
    {
        CertificateStatus v => v.ToWire(),
        JobStatus v => v.ToWire(),
        JobType v => v.ToWire(),
        AgentStatus v => v.ToWire(),
        KeygenMode v => v.ToWire(),
        RevocationReason v => v.ToWire(),
        _ => throw new ArgumentException(value.GetType().Name),
    };

    private static Enum Parse(Type type, string wire) => type.Name switch
    {
        nameof(CertificateStatus) => WireNames<CertificateStatus>.Parse(wire),
        nameof(JobStatus) => WireNames<JobStatus>.Parse(wire),
        nameof(JobType) => WireNames<JobType>.Parse(wire),
        nameof(AgentStatus) => WireNames<AgentStatus>.Parse(wire),
        nameof(KeygenMode) => WireNames<KeygenMode>.Parse(wire),
        nameof(RevocationReason) => WireNames<RevocationReason>.Parse(wire),
        _ => throw new ArgumentException(type.Name),
    };
}
