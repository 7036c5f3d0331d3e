using Certctl.Acme.Accounts;
using Certctl.Acme.Directory;
using Certctl.Acme.Jws;
using Certctl.Acme.Nonces;
using Certctl.Acme.Problems;
using Certctl.Domain;
using Certctl.Secrets;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Http;

/// <summary>Registers and maps the ACME protocol core: URL layout, nonces, the JWS pipeline, directory, new-nonce and accounts.</summary>
public static class AcmeCoreExtensions
{
    public static TBuilder AddAcmeCore<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<AcmeServerOptions>().Bind(builder.Configuration).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AcmeServerOptions>, AcmeServerOptionsValidator>());
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<AcmeServerOptions>>(
            (forwarded, acme) => AcmeForwardedHeaders.Configure(forwarded, acme.Value.TrustedProxies));
        // External account binding keys are stored encrypted with the platform's configuration key.
        services.AddConfigurationCipher(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IdGenerator>();
        services.AddSingleton<NonceService>();
        services.AddSingleton<NonceRedemptions>();
        services.AddSingleton<AcmeProfileCatalog>();
        services.AddSingleton<AcmeProfileResolver>();
        services.AddSingleton<AcmeResponseWriter>();
        services.AddSingleton<DirectoryCache>();
        services.AddSingleton<JwsVerifier>();
        services.TryAddSingleton<AccountStore>();
        services.AddSingleton<ExternalAccountBindings>();
        services.AddSingleton<NewAccount>();
        services.AddSingleton<AccountUpdate>();
        services.AddSingleton<KeyChange>();
        services.AddSingleton<AccountOrders>();
        return builder;
    }

    /// <summary>Forwarded headers from the gateway, the core endpoints, and an ACME 404 for any other <c>/acme</c> path.</summary>
    public static WebApplication MapAcmeCore(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.MapAcmeDirectory();
        app.MapAcmeAccounts();
        app.MapFallback("/acme/{**rest}", context =>
            context.RequestServices.GetRequiredService<AcmeResponseWriter>().WriteAsync(context, null, AcmeProblems.NotFound("no such ACME resource")));
        return app;
    }

    private sealed class AcmeServerOptionsValidator : IValidateOptions<AcmeServerOptions>
    {
        public ValidateOptionsResult Validate(string? name, AcmeServerOptions options) =>
            (AcmeServerOptions.NonceKeyProblem(options.NonceKey) ?? AcmeForwardedHeaders.Problem(options.TrustedProxies)) is { } problem
                ? ValidateOptionsResult.Fail(problem)
                : ValidateOptionsResult.Success;
    }
}
