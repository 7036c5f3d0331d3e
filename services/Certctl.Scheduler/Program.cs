using Certctl.Scheduler.Loops;
using Certctl.ServiceDefaults;

// Certctl.Scheduler: the background loops (renewal scan, dispatch, retries, timeouts, leases, agent health).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging();
builder.Services.AddSchedulerLoops(builder.Configuration);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
