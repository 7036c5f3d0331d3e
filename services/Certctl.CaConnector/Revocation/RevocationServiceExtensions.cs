using Certctl.CaConnector.Crl;
using Certctl.CaConnector.Ocsp;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Certctl.CaConnector.Revocation;

/// <summary>The revocation, CRL and OCSP registrations of the CA connector.</summary>
public static class RevocationServiceExtensions
{
    /// <summary>Options (validated on start), the stores, the CRL generator, the OCSP responders and the per-type revoke calls.</summary>
    public static IServiceCollection AddRevocation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RevocationOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<RevocationStore>();
        services.TryAddSingleton<CrlGenerator>();
        services.TryAddSingleton<OcspResponderStore>();
        services.TryAddSingleton<OcspResponders>();
        services.TryAddSingleton<OcspStatusLookup>();
        // One per issuer type; a vendor connector adds its own with services.AddSingleton<IIssuerRevocation, ...>().
        services.AddSingleton<IIssuerRevocation, LocalCaRevocation>();
        return services;
    }

    /// <summary>The revocation consumers, each with its definition.</summary>
    public static IBusRegistrationConfigurator AddRevocationConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RevokeCertificateConsumer, RevokeCertificateConsumerDefinition>();
        bus.AddConsumer<RevokeCertificateFaultConsumer>();
        bus.AddConsumer<GenerateCrlConsumer, GenerateCrlConsumerDefinition>();
        bus.AddConsumer<SignOcspResponseConsumer, SignOcspResponseConsumerDefinition>();
        return bus;
    }
}
