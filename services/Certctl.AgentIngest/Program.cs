using Certctl.ServiceDefaults;

// Certctl.AgentIngest: the agents' door (registration, heartbeats, work polls, CSRs, reports).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
