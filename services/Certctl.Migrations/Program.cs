using Certctl.Migrations;
using Certctl.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Certctl.Migrations: applies the schema (and in development the demo seed), then exits. Every service waits for it.
var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();

using var host = builder.Build();
await host.StartAsync();
var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Certctl.Migrations");

var exitCode = 0;
using (var activity = Telemetry.ActivitySource.StartActivity("migrate database"))
{
    try
    {
        var connectionString = builder.Configuration.GetConnectionString(DatabaseDefaults.ConnectionName)
            ?? throw new MigrationException($"ConnectionStrings:{DatabaseDefaults.ConnectionName} is not set.");
        var applyDemoSeed = SeedSetting.IsEnabled(builder.Configuration["CERTCTL_DEMO_SEED"]);
        var result = DatabaseMigrator.Migrate(connectionString, applyDemoSeed, logger, DemoLoopSettings.From(builder.Configuration));
        activity?.SetTag("certctl.migrations.applied", result.SchemaScriptsApplied.Count);
        logger.LogInformation("Database is at the current schema: {Applied} script(s) applied now, demo seed {Seed}.",
            result.SchemaScriptsApplied.Count, applyDemoSeed ? "applied" : "skipped");
    }
    catch (MigrationException exception)
    {
        activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.Message);
        logger.LogCritical(exception, "Migration failed: {Message}", exception.Message);
        exitCode = 1;
    }
}

await host.StopAsync();
return exitCode;
