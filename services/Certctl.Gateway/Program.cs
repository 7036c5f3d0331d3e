using System.Text.Json;
using Certctl.Gateway;
using Certctl.ServiceDefaults;

// Certctl.Gateway: the operator REST API under /api/v1 and the front door to the ACME and agent services.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapVersionEndpoints();
app.Run();
