using Certctl.CaConnector.Issuance;
using Certctl.CaConnector.Issuers;
using Certctl.CaConnector.Revocation;
using Certctl.Domain;
using Certctl.Issuance;
using Certctl.Secrets;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector;

/// <summary>The CA connector's registrations, shared by <c>Program.cs</c> and the tests.</summary>
public static class CaConnectorServiceExtensions
{
    /// <summary>Options, the configuration cipher, the issuer registry and the job store; the data source is registered separately.</summary>
    public static IServiceCollection AddCaConnector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CaConnectorOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddConfigurationCipher(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>()));
        // The CA keys are wrapped under the same secret as issuer configuration: one secret for the operator to keep.
        services.TryAddSingleton(sp => new CaKeyProtection(sp.GetRequiredService<IOptions<ConfigurationEncryptionOptions>>().Value.Key!.Trim()));
        services.TryAddSingleton<ICaKeyStore, PostgresCaKeyStore>();
        services.TryAddSingleton<IssuerRows>();
        services.TryAddSingleton<IssuerRegistry>();
        services.TryAddSingleton<IssuanceJobStore>();
        services.AddHostedService<IssuerRegistryWarmUp>();
        services.AddRevocation(configuration);
        return services;
    }

    /// <summary>The connector's consumers, each with its definition; pass to <c>AddCertctlMessaging</c>.</summary>
    public static IBusRegistrationConfigurator AddCaConnectorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<IssueCertificateConsumer, IssueCertificateConsumerDefinition>();
        bus.AddConsumer<IssueCertificateFaultConsumer>();
        bus.AddRevocationConsumers();
        return bus;
    }
}
