using System.Reflection;
using Certctl.Contracts;

namespace Certctl.Domain.Tests;

public sealed class ContractShapeTests
{
    private static readonly Type[] Messages = typeof(IssueCertificate).Assembly
        .GetExportedTypes()
        .Where(type => type.Namespace == "Certctl.Contracts")
        .ToArray();

    [Fact]
    public void The_contracts_are_the_ones_the_architecture_names()
    {
        // The architecture's six, plus JobsQueued (the gateway's hint that wakes the dispatcher after a renew), GenerateCrl and the
        // OCSP request/response pair SignOcspResponse / OcspResponseSigned.
        Assert.Equal(
            [
                "AgentWentOffline", "CertificateIssued", "CertificateRevoked", "GenerateCrl", "IssuanceFailed", "IssueCertificate", "JobsQueued",
                "OcspResponseSigned", "RevokeCertificate", "SignOcspResponse",
            ],
            Messages.Select(type => type.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_message_is_a_sealed_record_with_init_only_properties()
    {
        Assert.All(Messages, type =>
        {
            Assert.True(type.IsSealed, type.Name);
            Assert.NotNull(type.GetMethod("<Clone>$")); // the compiler's mark of a record
            Assert.All(type.GetProperties(BindingFlags.Public | BindingFlags.Instance), property =>
                Assert.True(property.SetMethod is null || IsInitOnly(property.SetMethod), $"{type.Name}.{property.Name}"));
        });
    }

    [Fact]
    public void Messages_compare_by_value()
    {
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var one = new IssueCertificate("job-1", "mc-1", "iss-1", KeygenMode.Agent, "csr", 1, at);
        var two = new IssueCertificate("job-1", "mc-1", "iss-1", KeygenMode.Agent, "csr", 1, at);

        Assert.Equal(one, two);
        Assert.NotEqual(one, one with { Attempt = 2 });
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(modifier => modifier.FullName == "System.Runtime.CompilerServices.IsExternalInit");
}
