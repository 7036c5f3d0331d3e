using Certctl.Acme.Http;
using Certctl.Acme.Orders;
using Certctl.Acme.RateLimiting;
using Certctl.Acme.RenewalInfo;
using Certctl.Acme.Validation;
using Certctl.ServiceDefaults;

// Certctl.Acme: the RFC 8555 / RFC 9773 ACME server that standard clients use.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging(bus => bus.AddAcmeOrderConsumers());
builder.AddAcmeCore();
builder.AddAcmeValidators();
builder.AddAcmeRateLimiting();
builder.AddAcmeRenewalInfo();
builder.AddAcmeOrders();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAcmeCore();
app.MapAcmeRenewalInfo();
app.MapAcmeOrders();
app.Run();
