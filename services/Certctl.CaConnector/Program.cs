using Certctl.CaConnector;
using Certctl.ServiceDefaults;

// Certctl.CaConnector: the only service holding CA keys and issuer credentials; it signs and revokes.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Every statement here finds jobs, versions and issuers by key, and the batched ones take arrays: one plan each (DatabaseDefaults).
builder.AddCertctlDatabase(genericPlans: true);
builder.AddCertctlMessaging(bus => bus.AddCaConnectorConsumers());
builder.Services.AddCaConnector(builder.Configuration);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
