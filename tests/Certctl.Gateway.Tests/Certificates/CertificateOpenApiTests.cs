using System.Text.Json;
using Certctl.Gateway.Certificates;

namespace Certctl.Gateway.Tests.Certificates;

/// <summary>The certificate endpoints appear in the generated OpenAPI document with their operation ids.</summary>
public sealed class CertificateOpenApiTests(MigratedDatabaseFixture<CertificateOpenApiTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<CertificateOpenApiTests>>
{
    [Fact]
    public async Task The_document_lists_every_certificate_operation()
    {
        await using var host = await GatewayHost.StartAsync(database.ConnectionString, output, api => api.MapCertificateEndpoints());

        var document = await host.OpenApiDocumentAsync();

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(op => op.Value.ValueKind == JsonValueKind.Object && op.Value.TryGetProperty("operationId", out _)))
            .Select(op => op.Value.GetProperty("operationId").GetString())
            .ToHashSet();
        foreach (var name in new[] { "ListCertificates", "CreateCertificate", "GetCertificate", "UpdateCertificate", "ArchiveCertificate",
                     "ListCertificateVersions", "ReplaceCertificateTargets", "RenewCertificate", "RevokeCertificate" })
        {
            Assert.Contains(name, operations);
        }
    }
}
