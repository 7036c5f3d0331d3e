using System.Text.Json;
using Certctl.Client.Models;

namespace Certctl.Client.Tests;

/// <summary>The client's JSON matches the gateway's: snake_case names both ways.</summary>
public sealed class CertctlClientSettingsTests
{
    [Fact]
    public void Writes_snake_case_names()
    {
        var json = JsonSerializer.Serialize(new ProblemDocument("t", "Title", 400, null, null, "req-1", "trace-1", null), CertctlClientSettings.SerializerOptions);

        Assert.Contains("\"request_id\":\"req-1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"trace_id\":\"trace-1\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_field_errors_of_a_validation_problem()
    {
        const string json = """{"title":"Validation failed","status":400,"errors":{"common_name":["is required"]}}""";

        var problem = JsonSerializer.Deserialize<ProblemDocument>(json, CertctlClientSettings.SerializerOptions);

        Assert.NotNull(problem?.Errors);
        Assert.Equal(["is required"], problem.Errors["common_name"]);
    }

    [Fact]
    public void Refit_settings_use_system_text_json()
    {
        Assert.IsType<Refit.SystemTextJsonContentSerializer>(CertctlClientSettings.Create().ContentSerializer);
    }
}
