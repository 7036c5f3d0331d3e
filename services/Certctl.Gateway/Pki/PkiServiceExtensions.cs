namespace Certctl.Gateway.Pki;

/// <summary>The OCSP answer cache and its request path to the CA connector (needs <c>AddCertctlMessaging</c> for the request client).</summary>
public static class PkiServiceExtensions
{
    public static WebApplicationBuilder AddPki(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OcspAnswerCache>();
        builder.Services.AddScoped<OcspAnswers>();
        return builder;
    }
}
