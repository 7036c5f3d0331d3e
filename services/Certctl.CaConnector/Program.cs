using Certctl.CaConnector;
using Certctl.ServiceDefaults;

// Certctl.CaConnector: the only service holding CA keys and issuer credentials; it signs and revokes.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging(bus => bus.AddCaConnectorConsumers());
builder.Services.AddCaConnector(builder.Configuration);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
