using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Messaging;
using Certctl.ServiceDefaults;

// Certctl.Scheduler: the background loops (renewal scan, dispatch, retries, timeouts, leases, agent health).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging(bus => bus.AddSchedulerConsumers());
builder.Services.AddSchedulerLoops(builder.Configuration);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
