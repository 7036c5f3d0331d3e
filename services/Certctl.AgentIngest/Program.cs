using Certctl.AgentIngest;
using Certctl.ServiceDefaults;

// Certctl.AgentIngest: the agents' door (registration, heartbeats, work polls, CSRs, reports).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCertctlDatabase();
builder.AddCertctlMessaging();
builder.AddAgentIngest();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAgentAuthentication(); // per-agent tokens, before any body is read
app.MapAgentIngestEndpoints();
app.WarnWhenRegistrationIsOpen();
app.Run();
