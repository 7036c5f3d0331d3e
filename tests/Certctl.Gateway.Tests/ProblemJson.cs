using System.Net;
using System.Text.Json;

namespace Certctl.Gateway.Tests;

/// <summary>Asserts that a response is an RFC 7807 problem and exposes its members.</summary>
internal sealed record ProblemJson(HttpStatusCode Status, JsonElement Body)
{
    public string? Title => Body.TryGetProperty("title", out var title) ? title.GetString() : null;

    public string? Detail => Body.TryGetProperty("detail", out var detail) ? detail.GetString() : null;

    public string? Extension(string name) => Body.TryGetProperty(name, out var value) ? value.ToString() : null;

    public JsonElement Errors => Body.GetProperty("errors");

    public static async Task<ProblemJson> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), body.GetProperty("request_id").GetString());
        return new ProblemJson(response.StatusCode, body);
    }
}
