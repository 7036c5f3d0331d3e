using MassTransit;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.Issuance;

/// <summary>Retry, optional delayed redelivery and the concurrency limit of <see cref="IssueCertificateConsumer"/>.</summary>
public sealed class IssueCertificateConsumerDefinition : ConsumerDefinition<IssueCertificateConsumer>
{
    private readonly CaConnectorOptions _options;

    public IssueCertificateConsumerDefinition(IOptions<CaConnectorOptions> options)
    {
        _options = options.Value;
        ConcurrentMessageLimit = _options.IssuanceConcurrency;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IssueCertificateConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _options.IssuanceConcurrency;
        if (_options.RedeliveryIntervals.Count > 0)
        {
            // Outermost, so each redelivery gets the in-process retries again.
            endpointConfigurator.UseDelayedRedelivery(redelivery => redelivery.Intervals([.. _options.RedeliveryIntervals]));
        }

        // Client errors are handled in the consumer and never thrown, so whatever reaches here is worth another try.
        endpointConfigurator.UseMessageRetry(retry =>
            retry.Exponential(_options.RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
    }
}
