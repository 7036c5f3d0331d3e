using System.Net;
using System.Text;

namespace Certctl.Gateway.Tests;

/// <summary>Client mistakes become 4xx problem details, whether caught by binding, by the database or by the body cap.</summary>
public sealed class ProblemMappingTests(MigratedDatabaseFixture<ProblemMappingTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ProblemMappingTests>>
{
    private const int BodyLimit = 1024;

    [Fact]
    public async Task A_unique_violation_is_409_naming_the_constraint()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        using var first = await client.PostAsync("/api/v1/teams", Json("""{"id":"t-unique-1","name":"Unique name"}"""));

        using var duplicate = await client.PostAsync("/api/v1/teams", Json("""{"id":"t-unique-2","name":"Unique name"}"""));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var problem = await ProblemJson.ReadAsync(duplicate, HttpStatusCode.Conflict);
        Assert.Equal("teams_name_key", problem.Extension("constraint"));
        Assert.Contains("teams_name_key", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_reference_is_422_naming_the_column()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey)
            .PostAsync("/api/v1/owners", Json("""{"id":"o-orphan","name":"Orphan","team_id":"t-does-not-exist"}"""));

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Unknown reference", problem.Title);
        Assert.Equal("team_id", problem.Extension("column"));
        Assert.StartsWith("team_id refers to", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_row_that_is_still_referenced_is_409()
    {
        await using var gateway = await StartAsync();
        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO teams (id, name) VALUES ('t-referenced', 'Referenced')");
        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO owners (id, name, team_id) VALUES ('o-referencing', 'Referencing', 't-referenced')");

        using var response = await gateway.Client(GatewayHost.BobKey).DeleteAsync("/api/v1/teams/t-referenced");

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("Still referenced", problem.Title);
        Assert.Equal("owners_team_id_fkey", problem.Extension("constraint"));
    }

    [Fact]
    public async Task A_check_violation_is_422()
    {
        await using var gateway = await StartAsync();
        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO agents (id, name, hostname) VALUES ('a-check', 'a-check', 'host')");

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/agents/a-check/status", Json("""{"status":"Sleeping"}"""));

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("agents_status_check", problem.Extension("constraint"));
    }

    [Fact]
    public async Task Invalid_text_for_a_database_type_is_400()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).GetAsync("/api/v1/numbers/twelve");

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("invalid input syntax for type integer", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"t-1","name":""")]
    [InlineData("""{"id": 12, "name": "x"}""")]
    [InlineData("not json at all")]
    public async Task Malformed_json_is_400(string body)
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/teams", Json(body));

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("The request body is not valid JSON", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_body_is_400()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/teams", Json(string.Empty));

        await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_whether_its_length_is_declared_or_not()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        var oversized = $$"""{"id":"t-big","name":"{{new string('x', BodyLimit)}}"}""";
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/v1/teams") { Content = Json(oversized) };
        chunked.Headers.TransferEncodingChunked = true; // no Content-Length: only counting the bytes can catch it

        using var declared = await client.PostAsync("/api/v1/teams", Json(oversized));
        using var streamed = await client.SendAsync(chunked);

        Assert.Contains("1024 bytes", (await ProblemJson.ReadAsync(declared, HttpStatusCode.RequestEntityTooLarge)).Detail, StringComparison.Ordinal);
        await ProblemJson.ReadAsync(streamed, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(413, (await AuditRows.WaitForAsync(database.ConnectionString, AuditRows.RequestId(streamed)))["status_code"]);
    }

    [Fact]
    public async Task The_body_limit_holds_on_endpoints_that_are_not_audited()
    {
        await using var gateway = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/anonymous")
        {
            Content = Json($$"""{"id":"t-big","name":"{{new string('x', BodyLimit)}}"}"""),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await gateway.Client().SendAsync(request);

        await ProblemJson.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_domain_problem_keeps_its_status_title_and_detail()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/problems/domain", Json("{}"));

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("Renewal in progress", problem.Title);
        Assert.Equal("mc-1 is already being renewed.", problem.Detail);
    }

    [Fact]
    public async Task Field_errors_are_a_validation_problem_with_errors()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/problems/validation", Json("""{"id":"much-too-long","name":" "}"""));

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("is required", problem.Errors.GetProperty("name")[0].GetString());
        Assert.Equal("must be at most 8 characters", problem.Errors.GetProperty("id")[0].GetString());
    }

    [Fact]
    public async Task A_server_fault_is_still_a_problem_document()
    {
        await using var gateway = await StartAsync();

        using var response = await gateway.Client(GatewayHost.BobKey).PostAsync("/api/v1/problems/crash", Json("{}"));

        var problem = await ProblemJson.ReadAsync(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("a server bug", problem.Body.ToString(), StringComparison.Ordinal);
    }

    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output, TestEndpoints.Map,
        new Dictionary<string, string?> { ["CERTCTL_MAX_BODY_SIZE"] = BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
