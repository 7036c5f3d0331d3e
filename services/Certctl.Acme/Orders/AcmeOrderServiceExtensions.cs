using Certctl.Acme.Accounts;
using Certctl.Acme.Authorizations;
using Certctl.Acme.Certificates;
using Certctl.Acme.Challenges;
using Certctl.Acme.Finalize;
using Certctl.Acme.Notifications;
using Certctl.Acme.Revocation;
using Certctl.Domain;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Certctl.Acme.Orders;

/// <summary>Registers orders, authorizations, challenges (and their validation worker), finalize, certificate download and revocation.</summary>
public static class AcmeOrderServiceExtensions
{
    public static TBuilder AddAcmeOrders<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<AcmeOrderOptions>().Bind(builder.Configuration).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AcmeProfilePolicies>();
        services.AddSingleton<OrderStore>();
        services.AddSingleton<OwnedOrders>();
        services.AddSingleton<ReplacedCertificates>();
        services.AddSingleton<ReusableAuthorizations>();
        services.AddSingleton<NewOrders>();
        services.AddSingleton<AuthorizationStore>();
        services.AddSingleton<AuthorizationRequests>();
        services.AddSingleton<ChallengeStore>();
        services.AddSingleton<ChallengeValidationQueue>();
        services.AddSingleton<ChallengeResponses>();
        services.AddHostedService<ChallengeValidationWorker>();
        services.AddScoped<OrderFinalization>();
        services.AddScoped<FinalizeRequests>();
        services.AddSingleton<OrderOutcomeSignals>();
        services.AddSingleton<IssuedOrders>();
        // The listener also keeps the account cache; a host of orders without the core endpoints still has the store.
        services.TryAddSingleton<AccountStore>();
        services.AddHostedService<AcmeNotificationListener>();
        services.AddSingleton<CertificateChainStore>();
        services.AddScoped<AcmeRevocation>();
        return builder;
    }

    /// <summary>The order consumers, for <c>AddCertctlMessaging(bus => bus.AddAcmeOrderConsumers())</c>.</summary>
    public static IBusRegistrationConfigurator AddAcmeOrderConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<IssuanceOutcomeConsumer, IssuanceOutcomeConsumerDefinition>();
        return bus;
    }
}
