using Certctl.Agent.Hosting;

// Certctl.Agent: registers once, heartbeats, polls for work, makes keys and CSRs on this host, deploys certificates to
// its targets and reports what it finds on disk. Exits 0 when the server retires it.
// Settings beside the program, wherever systemd starts it from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAgentTelemetry();
builder.Services.AddCertctlAgent(builder.Configuration);

using var host = builder.Build();
try
{
    await host.RunAsync();
}
catch (Microsoft.Extensions.Options.OptionsValidationException exception)
{
    Console.Error.WriteLine($"certctl-agent: invalid configuration: {string.Join(" ", exception.Failures)}");
    return 2;
}

return Environment.ExitCode;
