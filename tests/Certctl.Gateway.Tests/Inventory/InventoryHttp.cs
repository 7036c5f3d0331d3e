using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Certctl.Gateway.Tests.Inventory;

/// <summary>JSON calls and list walking shared by the inventory tests.</summary>
internal static class InventoryHttp
{
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        return await ReadJsonAsync(response, expected);
    }

    public static async Task<ProblemJson> ProblemAsync(HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        return await ProblemJson.ReadAsync(response, expected);
    }

    /// <summary>Every id of <paramref name="path"/>, walking pages of <paramref name="limit"/>.</summary>
    public static async Task<List<string>> WalkIdsAsync(HttpClient client, string path, int limit)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var url = $"{path}?limit={limit}" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await SendAsync(client, HttpMethod.Get, url, null, HttpStatusCode.OK);
            Assert.Equal(limit, page.GetProperty("limit").GetInt32());
            Assert.True(page.GetProperty("data").GetArrayLength() <= limit);
            ids.AddRange(page.GetProperty("data").EnumerateArray().Select(row => row.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        return ids;
    }
}
