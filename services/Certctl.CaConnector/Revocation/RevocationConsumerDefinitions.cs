using Certctl.CaConnector.Crl;
using Certctl.CaConnector.Ocsp;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.Revocation;

/// <summary>Retry, optional delayed redelivery and the concurrency limit of <see cref="RevokeCertificateConsumer"/>.</summary>
public sealed class RevokeCertificateConsumerDefinition(IOptions<CaConnectorOptions> connector, IOptions<RevocationOptions> revocation)
    : ConsumerDefinition<RevokeCertificateConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RevokeCertificateConsumer> consumerConfigurator, IRegistrationContext context) =>
        RevocationRetry.Configure(endpointConfigurator, connector.Value, revocation.Value.RevocationConcurrency);
}

/// <summary>Retry, optional delayed redelivery and the concurrency limit of <see cref="GenerateCrlConsumer"/>.</summary>
public sealed class GenerateCrlConsumerDefinition(IOptions<CaConnectorOptions> connector, IOptions<RevocationOptions> revocation)
    : ConsumerDefinition<GenerateCrlConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<GenerateCrlConsumer> consumerConfigurator, IRegistrationContext context) =>
        RevocationRetry.Configure(endpointConfigurator, connector.Value, revocation.Value.RevocationConcurrency);
}

/// <summary>
/// OCSP signing answers a waiting HTTP request, so it gets one quick retry and no redelivery: a later answer would find nobody waiting.
/// Its own concurrency limit keeps a burst of OCSP traffic from starving issuance.
/// </summary>
public sealed class SignOcspResponseConsumerDefinition(IOptions<RevocationOptions> revocation) : ConsumerDefinition<SignOcspResponseConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SignOcspResponseConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = revocation.Value.OcspSigningConcurrency;
        endpointConfigurator.ConcurrentMessageLimit = revocation.Value.OcspSigningConcurrency;
        endpointConfigurator.UseMessageRetry(retry => retry.Interval(1, TimeSpan.FromMilliseconds(100)));
    }
}

/// <summary>The issuance consumer's transient-error policy (CERTCTL_CA_RETRY_LIMIT, CERTCTL_CA_REDELIVERY_INTERVALS_SECONDS) for the revocation consumers.</summary>
internal static class RevocationRetry
{
    public static void Configure(IReceiveEndpointConfigurator endpoint, CaConnectorOptions options, int concurrency)
    {
        endpoint.PrefetchCount = concurrency;
        endpoint.ConcurrentMessageLimit = concurrency;
        if (options.RedeliveryIntervals.Count > 0)
        {
            endpoint.UseDelayedRedelivery(redelivery => redelivery.Intervals([.. options.RedeliveryIntervals]));
        }

        endpoint.UseMessageRetry(retry =>
            retry.Exponential(options.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
    }
}
