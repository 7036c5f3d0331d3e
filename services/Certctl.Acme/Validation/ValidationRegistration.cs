namespace Certctl.Acme.Validation;

/// <summary>Registers the three challenge validators (<see cref="IChallengeValidator"/>, one per type) and what they share.</summary>
public static class ValidationRegistration
{
    public static TBuilder AddAcmeValidators<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<AcmeValidationOptions>().Bind(builder.Configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AcmeValidationMetrics>();
        services.AddSingleton<ValidationResolver>();
        services.AddSingleton<ValidationConnector>();
        services.AddSingleton<ValidationRun>();
        services.AddSingleton<IChallengeValidator, Http01Validator>();
        services.AddSingleton<IChallengeValidator, Dns01Validator>();
        services.AddSingleton<IChallengeValidator, TlsAlpn01Validator>();
        return builder;
    }
}
