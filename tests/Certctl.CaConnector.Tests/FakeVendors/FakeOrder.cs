namespace Certctl.CaConnector.Tests.FakeVendors;

/// <summary>One order the fake took: what was asked, how often it was polled, and the certificate once issued.</summary>
public sealed class FakeOrder(long id, string commonName, IReadOnlyList<string> dnsNames, string csrPem, long organizationId, OrderScript script)
{
    private int _polls;

    public long Id { get; } = id;

    public string CommonName { get; } = commonName;

    public IReadOnlyList<string> DnsNames { get; } = dnsNames;

    public string CsrPem { get; } = csrPem;

    public long OrganizationId { get; } = organizationId;

    public OrderScript Script { get; } = script;

    public int Polls => Volatile.Read(ref _polls);

    public long CertificateId => Id + 500_000;

    /// <summary>The leaf PEM, signed on first need.</summary>
    public string? CertificatePem { get; set; }

    public int NextPoll() => Interlocked.Increment(ref _polls);
}
