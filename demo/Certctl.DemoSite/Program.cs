using Certctl.DemoSite;
using Certctl.ServiceDefaults;

// Certctl.DemoSite: the HTTPS site of the AppHost's demo loop. It serves the certificate the demo agent last deployed to its
// PEM folder, so the agent's TLS check after each deployment sees the new certificate, and so does `curl -kv`.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
var folder = builder.Configuration["CERTCTL_DEMO_DEPLOY_DIR"];
if (string.IsNullOrWhiteSpace(folder) || !Path.IsPathFullyQualified(folder))
{
    Console.Error.WriteLine($"certctl-demo-site: CERTCTL_DEMO_DEPLOY_DIR = '{folder}' must be an absolute path.");
    return 2;
}

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(provider =>
    new DeployedCertificate(folder, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<DeployedCertificate>>()));
builder.WebHost.ConfigureKestrel((context, kestrel) => kestrel.ConfigureHttpsDefaults(https =>
    https.ServerCertificateSelector = (_, _) => kestrel.ApplicationServices.GetRequiredService<DeployedCertificate>().Current()));

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/", (DeployedCertificate certificate) => certificate.Describe());
app.Run();
return 0;
