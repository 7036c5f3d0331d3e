using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Certctl.Testing;

/// <summary>The few calls of RabbitMQ's management HTTP API the tests need: virtual hosts and their permissions.</summary>
public sealed class RabbitMqManagementApi
{
    private readonly HttpClient _http;
    private readonly string _user;

    internal RabbitMqManagementApi(Uri baseAddress, string user, string password)
    {
        _user = user;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    /// <summary>Answers when the management plugin is up; throws otherwise.</summary>
    public async Task OverviewAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync("api/overview", cancellationToken);
        await EnsureSuccessAsync(response, "GET /api/overview", cancellationToken);
    }

    /// <summary>Creates the virtual host and gives the broker's user full rights on it.</summary>
    public async Task CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        var vhost = Uri.EscapeDataString(name);
        using (var created = await _http.PutAsync($"api/vhosts/{vhost}", Json("{}"), cancellationToken))
        {
            await EnsureSuccessAsync(created, $"PUT /api/vhosts/{vhost}", cancellationToken);
        }

        using var granted = await _http.PutAsync(
            $"api/permissions/{vhost}/{Uri.EscapeDataString(_user)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""),
            cancellationToken);
        await EnsureSuccessAsync(granted, $"PUT /api/permissions/{vhost}/{_user}", cancellationToken);
    }

    /// <summary>Deletes the virtual host with its queues and exchanges; a missing one is fine.</summary>
    public async Task DeleteVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(name)}", cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(response, $"DELETE /api/vhosts/{name}", cancellationToken);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"RabbitMQ management API {call} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }
}
