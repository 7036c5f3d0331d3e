using Certctl.AppHost;
using Certctl.AppHost.Infrastructure;

// The whole Certctl suite: Postgres and RabbitMQ, the migration runner, the five services, the demo loop, and the dashboard.
var builder = DistributedApplication.CreateBuilder(args);

CertctlInfrastructure infrastructure;
try
{
    infrastructure = builder.AddCertctlInfrastructure();
}
catch (InfrastructureUnavailableException exception)
{
    Console.Error.WriteLine($"certctl: {exception.Message}");
    return 1;
}

var settings = SuiteSettings.From(builder.Configuration);
var apiKey = builder.AddOperatorApiKey();
// Issuer and target configurations are encrypted at rest with this key (AES-256-GCM); only the gateway, which
// writes them, the CA connector, which uses issuers', agent ingest, which hands each agent its targets', and the ACME
// server, which checks external account binding MACs, receive it.
var configEncryptionKey = builder.AddParameter("certctl-config-encryption-key", new EncryptionKeyParameterDefault(), secret: true, persist: true);

var migrations = builder.AddProject<Projects.Certctl_Migrations>("migrations")
    .WithReference(infrastructure.Database, "certctl")
    .WaitFor(infrastructure.DatabaseServer)
    .WithEnvironment("CERTCTL_DEMO_SEED", settings.DemoSeed);

// Agents register once with this token and receive their own; only the ingest service gets it.
var agentBootstrapToken = builder.AddParameter("certctl-agent-bootstrap-token", new EncryptionKeyParameterDefault(), secret: true, persist: true);
var agentIngest = builder.AddCertctlService<Projects.Certctl_AgentIngest>("agent-ingest", infrastructure, migrations, settings)
    .WithInlineSocketCompletions()
    .WithEnvironment("CERTCTL_AGENT_BOOTSTRAP_TOKEN", agentBootstrapToken)
    .WithEnvironment("CERTCTL_CONFIG_ENCRYPTION_KEY", configEncryptionKey);
// ACME nonces are sealed under this key; every ACME replica must share it, nothing else needs it.
var acmeNonceKey = builder.AddParameter("certctl-acme-nonce-key", new EncryptionKeyParameterDefault(), secret: true, persist: true);
var acme = builder.AddCertctlService<Projects.Certctl_Acme>("acme", infrastructure, migrations, settings)
    .WithInlineSocketCompletions()
    .WithEnvironment("CERTCTL_ACME_SERVER_NONCE_KEY", acmeNonceKey)
    .WithEnvironment("CERTCTL_CONFIG_ENCRYPTION_KEY", configEncryptionKey); // decrypts external account binding keys
if (settings.DemoLoop && Environment.GetEnvironmentVariable("CERTCTL_ACME_SERVER_DEFAULT_PROFILE_ID") is null)
{
    // The demo seed's trust_authenticated profile answers the /acme/… shorthand, so `lego --server http://localhost:8080/acme/directory` works.
    acme = acme.WithEnvironment("CERTCTL_ACME_SERVER_DEFAULT_PROFILE_ID", "prof-standard-tls");
}

var gateway = builder.AddCertctlService<Projects.Certctl_Gateway>("gateway", infrastructure, migrations, settings, port: settings.GatewayPort)
    .WithInlineSocketCompletions()
    .WithEnvironment("CERTCTL_API_KEYS_NAMED", apiKey.NamedKeysExpression)
    .WithEnvironment("CERTCTL_CONFIG_ENCRYPTION_KEY", configEncryptionKey)
    .WithReference(acme)          // the gateway proxies /acme/** here
    .WithReference(agentIngest);  // and the agent paths here
var scheduler = builder.AddCertctlService<Projects.Certctl_Scheduler>("scheduler", infrastructure, migrations, settings);
var caConnector = builder.AddCertctlService<Projects.Certctl_CaConnector>("ca-connector", infrastructure, migrations, settings)
    .WithEnvironment("CERTCTL_CONFIG_ENCRYPTION_KEY", configEncryptionKey);
if (settings.DemoLoop)
{
    builder.AddDemoLoop(settings, migrations, agentIngest, scheduler);
}

SuiteBanner.AnnounceWhenReady(builder,
    [infrastructure.DatabaseServer.Resource, infrastructure.Messaging.Resource,
     gateway.Resource, agentIngest.Resource, acme.Resource, scheduler.Resource, caConnector.Resource],
    settings.GatewayPort, apiKey);

builder.Build().Run();
return 0;
