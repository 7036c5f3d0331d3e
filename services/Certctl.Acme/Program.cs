using Certctl.Acme.Http;
using Certctl.ServiceDefaults;

// Certctl.Acme: the RFC 8555 / RFC 9773 ACME server that standard clients use.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging();
builder.AddAcmeCore();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAcmeCore();
app.Run();
