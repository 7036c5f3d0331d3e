using System.Net;
using System.Text.Json;

namespace Certctl.Acme.Tests;

/// <summary>Assertions on ACME answers: the problem document's type and status, and the headers every answer carries.</summary>
internal static class AcmeAssert
{
    public const string ErrorPrefix = "urn:ietf:params:acme:error:";

    /// <summary>Asserts an ACME problem of <paramref name="type"/> (suffix) with <paramref name="status"/>, Replay-Nonce and the problem content type.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {type}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        HasNonce(response);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(ErrorPrefix + type, body.GetProperty("type").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        return body;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        HasNonce(response);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static void HasNonce(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Replay-Nonce", out var nonces), "Replay-Nonce missing");
        Assert.False(string.IsNullOrEmpty(Assert.Single(nonces)));
    }

    public static void LinksIndex(HttpResponseMessage response, string directoryUrl) =>
        Assert.Contains($"<{directoryUrl}>;rel=\"index\"", response.Headers.GetValues("Link"));
}
