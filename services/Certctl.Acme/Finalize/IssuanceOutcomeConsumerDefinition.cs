using MassTransit;

namespace Certctl.Acme.Finalize;

/// <summary>
/// One durable queue shared by every ACME replica (competing consumers), a few messages at a time, and in-process retries for a database
/// that is briefly away; the update only moves a processing order, so a retry or redelivery changes nothing twice.
/// </summary>
public sealed class IssuanceOutcomeConsumerDefinition : ConsumerDefinition<IssuanceOutcomeConsumer>
{
    public const int ConcurrencyLimit = 16;

    public IssuanceOutcomeConsumerDefinition()
    {
        EndpointName = "acme-issuance-outcome";
        ConcurrentMessageLimit = ConcurrencyLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IssuanceOutcomeConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = ConcurrencyLimit;
        endpointConfigurator.UseMessageRetry(retry =>
            retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
    }
}
