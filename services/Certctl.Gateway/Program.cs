using System.Text.Json;
using Certctl.Gateway;
using Certctl.Gateway.Inventory;
using Certctl.Gateway.OpenApi;
using Certctl.Gateway.Pki;
using Certctl.Gateway.Proxy;
using Certctl.ServiceDefaults;

// Certctl.Gateway: the operator REST API under /api/v1 and the front door to the ACME and agent services.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
builder.AddGatewayCore();
builder.AddInventory();     // id generator and the issuer-configuration cipher (CERTCTL_CONFIG_ENCRYPTION_KEY)
builder.AddGatewayProxy();
builder.AddPki();           // OCSP answers: a bounded cache and the request client to the CA connector
builder.AddGatewayOpenApi();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseGatewayCore();      // request id, problem details, body cap, API-key authentication, audit, authorization
app.MapGatewayOpenApi();   // /openapi/v1.json and /scalar, anonymous
app.MapGatewayProxy();     // /acme/** and the agent paths, anonymous: those services authenticate themselves
app.MapVersionEndpoints(); // anonymous
app.MapPkiEndpoints();     // /.well-known/pki: CRL and OCSP, anonymous
app.MapOperatorApi().MapOperatorEndpoints(); // the authorized /api/v1 group with every resource
app.Run();
