using Certctl.ServiceDefaults;

// Certctl.Scheduler: the background loops (renewal scan, dispatch, retries, timeouts, agent health, alerts).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
