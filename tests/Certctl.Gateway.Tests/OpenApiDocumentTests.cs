using System.Reflection;
using System.Text.Json;
using Certctl.Gateway.Bulk;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Inventory;
using Certctl.Gateway.Jobs;
using Certctl.Gateway.Paging;
using Certctl.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.Gateway.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> describes every operator endpoint the gateway maps under <c>/api/v1</c>: the operation, its JSON
/// request body, a schema for every success response that has a body, problem documents for its 4xx answers, and paging.
/// The routes come from the app's <see cref="EndpointDataSource"/>, so a new endpoint is checked without touching this test.
/// </summary>
public sealed class OpenApiDocumentTests(MigratedDatabaseFixture<OpenApiDocumentTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<OpenApiDocumentTests>>
{
    private const string Json = "application/json";
    private const string ProblemJson = "application/problem+json";

    private static readonly HashSet<string> BodyMethods = new(StringComparer.OrdinalIgnoreCase) { HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch };

    [Fact]
    public async Task Every_operator_endpoint_is_documented_with_its_request_and_response_schemas()
    {
        await using var host = await StartAsync();
        var paths = (await host.OpenApiDocumentAsync()).GetProperty("paths");

        var routes = OperatorRoutes(host.Services);
        var gaps = routes.SelectMany(route => Gaps(route, paths)).ToList();

        Assert.True(routes.Count > 50, $"only {routes.Count} operator routes found; is the host mapping every group?");
        AssertNoGaps(gaps);
    }

    [Fact]
    public async Task Every_list_documents_its_limit_and_cursor_query_parameters()
    {
        await using var host = await StartAsync();
        var paths = (await host.OpenApiDocumentAsync()).GetProperty("paths");

        var lists = OperatorRoutes(host.Services).Where(route => route.IsList).ToList();
        var gaps = lists.SelectMany(route => Operation(paths, route) is { } operation
                ? new[] { "limit", "cursor" }.Where(name => !HasQueryParameter(operation, name)).Select(name => $"{route}: query parameter '{name}' is not documented")
                : [$"{route}: no operation in paths"])
            .ToList();

        Assert.True(lists.Count >= 10, $"only {lists.Count} list routes found; is the host mapping every group?");
        AssertNoGaps(gaps);
    }

    // The resource list Program.cs maps onto the /api/v1 group (GatewayHost maps auth/check and version itself).
    private Task<GatewayHost> StartAsync() =>
        GatewayHost.StartAsync(database.ConnectionString, output, api => api.MapOperatorEndpoints());

    /// <summary>Each method of each routed endpoint under /api/v1; proxied routes belong to the services behind the proxy.</summary>
    private static List<OperatorRoute> OperatorRoutes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<ProxiedRoute>() is null)
            .Select(endpoint => (Endpoint: endpoint, Path: OpenApiPath(endpoint.RoutePattern)))
            .Where(route => route.Path.StartsWith($"{GatewayCoreExtensions.OperatorApiPath}/", StringComparison.Ordinal))
            .SelectMany(route => (route.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any)"])
                .Select(method => new OperatorRoute(method, route.Path, route.Endpoint)))
            .OrderBy(route => route.Path, StringComparer.Ordinal).ThenBy(route => route.Method, StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<string> Gaps(OperatorRoute route, JsonElement paths)
    {
        if (Operation(paths, route) is not { } operation)
        {
            yield return $"{route}: no operation in paths";
            yield break;
        }

        if (route.TakesJsonBody && !HasSchema(operation, "requestBody", Json))
        {
            yield return $"{route}: no requestBody with an {Json} schema";
        }

        var responses = operation.TryGetProperty("responses", out var declared) ? declared.EnumerateObject().ToList() : [];
        if (!responses.Any(response => response.Name.StartsWith('2')))
        {
            yield return $"{route}: no success (2xx) response";
        }

        foreach (var response in responses)
        {
            if (response.Name.StartsWith('2') && route.HasBody(response.Name) && !HasAnySchema(response.Value))
            {
                yield return $"{route}: {response.Name} response has no content schema";
            }
            else if (response.Name.StartsWith('4') && !HasSchema(response.Value, null, ProblemJson))
            {
                yield return $"{route}: {response.Name} response is not {ProblemJson}";
            }
        }
    }

    private static void AssertNoGaps(List<string> gaps) =>
        Assert.True(gaps.Count == 0, $"{gaps.Count} gap(s) in /openapi/v1.json:{Environment.NewLine}{string.Join(Environment.NewLine, gaps)}");

    private static JsonElement? Operation(JsonElement paths, OperatorRoute route) =>
        paths.TryGetProperty(route.Path, out var item) && item.TryGetProperty(route.Method.ToLowerInvariant(), out var operation) ? operation : null;

    /// <summary>True when <c>[property].content[mediaType].schema</c> exists (<paramref name="property"/> null: on the element itself).</summary>
    private static bool HasSchema(JsonElement element, string? property, string mediaType) =>
        (property is null || element.TryGetProperty(property, out element))
        && element.TryGetProperty("content", out var content)
        && content.TryGetProperty(mediaType, out var media)
        && media.TryGetProperty("schema", out _);

    private static bool HasAnySchema(JsonElement response) =>
        response.TryGetProperty("content", out var content)
        && content.EnumerateObject().Any()
        && content.EnumerateObject().All(media => media.Value.TryGetProperty("schema", out _));

    private static bool HasQueryParameter(JsonElement operation, string name) =>
        operation.TryGetProperty("parameters", out var parameters)
        && parameters.EnumerateArray().Any(parameter =>
            parameter.TryGetProperty("name", out var n) && n.GetString() == name
            && parameter.TryGetProperty("in", out var location) && location.GetString() == "query");

    /// <summary>The document's spelling of a route: <c>/api/v1/teams/{id}</c>, no trailing slash, no constraints.</summary>
    private static string OpenApiPath(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        }))));

    /// <summary>One method of one routed endpoint.</summary>
    private sealed record OperatorRoute(string Method, string Path, RouteEndpoint Endpoint)
    {
        /// <summary>A POST, PUT or PATCH whose handler reads a JSON body (inferred or <c>[FromBody]</c>).</summary>
        public bool TakesJsonBody =>
            BodyMethods.Contains(Method)
            && (Endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Any(accepts => accepts.ContentTypes.Any(type => type.StartsWith(Json, StringComparison.OrdinalIgnoreCase)))
                || (Endpoint.Metadata.GetMetadata<MethodInfo>()?.GetParameters().Any(parameter => parameter.GetCustomAttributes().OfType<IFromBodyMetadata>().Any()) ?? false));

        /// <summary>A list: answers a <see cref="Page{T}"/>.</summary>
        public bool IsList => Endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>()
            .Any(produces => produces.Type is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Page<>));

        /// <summary>Whether the <paramref name="status"/> answer carries a body: never for 204, for 202 only when a type is declared.</summary>
        public bool HasBody(string status) => status switch
        {
            "204" => false,
            "202" => Endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>()
                .Any(produces => produces.StatusCode == StatusCodes.Status202Accepted && produces.Type is { } type && type != typeof(void)),
            _ => true,
        };

        public override string ToString() => $"{Method} {Path} ({Endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? Endpoint.DisplayName})";
    }
}
