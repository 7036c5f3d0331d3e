using System.Net;
using System.Text.Json;
using Certctl.Client;

namespace Certctl.Gateway.ProxyTests;

/// <summary>The OpenAPI document and the Scalar UI: anonymous, in Production, describing the operator API in snake_case.</summary>
public sealed class OpenApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Document_is_openapi_3_and_lists_the_operator_endpoints()
    {
        using var document = await GetDocumentAsync();
        var root = document.RootElement;

        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Certctl operator API", root.GetProperty("info").GetProperty("title").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("info").GetProperty("version").GetString()));
        var paths = root.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/version", out _));
        Assert.False(paths.EnumerateObject().Any(path => path.Name.StartsWith("/acme", StringComparison.Ordinal)), "proxied routes are not operator API");
    }

    [Fact]
    public async Task Document_declares_the_bearer_scheme()
    {
        using var document = await GetDocumentAsync();

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Keyed_operations_require_the_bearer_scheme_and_anonymous_ones_do_not()
    {
        using var document = await GetDocumentAsync();
        var paths = document.RootElement.GetProperty("paths");

        var keyed = paths.GetProperty("/api/v1/agents").GetProperty("get").GetProperty("security");
        Assert.True(keyed[0].TryGetProperty("Bearer", out _));
        Assert.False(paths.GetProperty("/api/v1/shape").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Schemas_use_snake_case_property_names()
    {
        using var document = await GetDocumentAsync();

        var shape = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("PageShape").GetProperty("properties");
        Assert.True(shape.TryGetProperty("next_cursor", out _));
        Assert.False(shape.TryGetProperty("nextCursor", out _));
    }

    [Theory]
    [InlineData("/scalar/")]
    [InlineData("/scalar")]
    public async Task Scalar_serves_html_without_a_key(string path)
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Scalar_serves_its_script_itself_so_no_cdn_is_needed()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.GetAsync("/scalar/scalar.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certctl_client_reads_the_version_through_the_gateway()
    {
        var api = CertctlClient.Create(fixture.Gateway.Address, TestGateway.OperatorKey);

        var version = await api.GetVersionAsync();

        Assert.False(string.IsNullOrEmpty(version.Version));
    }

    private async Task<JsonDocument> GetDocumentAsync()
    {
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
