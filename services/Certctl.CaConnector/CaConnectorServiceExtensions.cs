using Certctl.CaConnector.Issuance;
using Certctl.CaConnector.Issuers;
using Certctl.CaConnector.Issuers.Acme;
using Certctl.CaConnector.Issuers.DigiCert;
using Certctl.CaConnector.Issuers.Sectigo;
using Certctl.CaConnector.Polling;
using Certctl.CaConnector.RenewalInfo;
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
        services.AddAsyncIssuers(configuration);
        services.AddAcmeRenewalInfo(configuration);
        return services;
    }

    /// <summary>The connector seam, the commercial and ACME CA connectors, and the poller of their orders.</summary>
    private static IServiceCollection AddAsyncIssuers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AsyncPollOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DigiCertOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SectigoOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        // The poller owns retries and backoff (honouring Retry-After); a resilience handler retrying inside a call would
        // also repeat order submissions, each of which may cost money.
        // RemoveAllResilienceHandlers is marked for evaluation (EXTEXP0001); it is the documented way to opt one client out.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(DigiCertConnector.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30)).RemoveAllResilienceHandlers();
        services.AddHttpClient(SectigoConnector.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30)).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddOptions<AcmeOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AcmeAccountStore>();
        services.TryAddSingleton<Http01ChallengeStore>();
        services.TryAddSingleton<Http01Responder>();
        services.TryAddSingleton<AcmeConnectors>();
        services.AddHostedService<Http01ResponderWarmUp>();
        services.TryAddSingleton<IssuerConnectors>();
        services.TryAddSingleton<IssuanceOutcomes>();
        services.TryAddSingleton<AsyncOrderStore>();
        services.TryAddSingleton<AsyncOrderSubmission>();
        services.TryAddSingleton<AsyncOrderMetrics>();
        services.TryAddSingleton<AsyncOrderPoller>();
        services.AddHostedService<AsyncOrderPollLoop>();
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
