using System.Net.Http.Json;
using System.Text.Json;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.OpenApi;
using Certctl.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Certctl.Gateway.Tests.Certificates;

/// <summary>The certificate endpoints appear in the generated OpenAPI document with their operation ids.</summary>
public sealed class CertificateOpenApiTests(MigratedDatabaseFixture<CertificateOpenApiTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<CertificateOpenApiTests>>
{
    [Fact]
    public async Task The_document_lists_every_certificate_operation()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = database.ConnectionString,
            ["CERTCTL_API_KEYS_NAMED"] = GatewayHost.NamedKeys,
        });
        builder.Logging.ClearProviders().AddTestOutput(output).AddFilter("Microsoft", LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddCertctlDatabase();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.AddGatewayCore();
        builder.AddGatewayOpenApi();
        await using var app = builder.Build();
        app.UseGatewayCore();
        app.MapGatewayOpenApi();
        app.MapOperatorApi().MapCertificateEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(op => op.Value.ValueKind == JsonValueKind.Object && op.Value.TryGetProperty("operationId", out _)))
            .Select(op => op.Value.GetProperty("operationId").GetString())
            .ToHashSet();
        foreach (var name in new[] { "ListCertificates", "CreateCertificate", "GetCertificate", "UpdateCertificate", "ArchiveCertificate",
                     "ListCertificateVersions", "ReplaceCertificateTargets", "RenewCertificate", "RevokeCertificate" })
        {
            Assert.Contains(name, operations);
        }

        await app.StopAsync();
    }
}
