using Certctl.Gateway;
using Certctl.ServiceDefaults;

// Certctl.Gateway: the operator REST API under /api/v1 and the front door to the ACME and agent services.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapVersionEndpoints();
app.Run();
