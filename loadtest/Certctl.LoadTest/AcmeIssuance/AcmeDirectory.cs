using System.Net;
using System.Text.Json;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>The three directory URLs a flow starts from, rebased onto the base URL so the load never leaves it.</summary>
public sealed record AcmeDirectory(Uri NewNonce, Uri NewAccount, Uri NewOrder)
{
    /// <summary>Reads the directory of <paramref name="directoryUrl"/>; throws <see cref="InvalidOperationException"/> with a reason.</summary>
    public static async Task<AcmeDirectory> ReadAsync(HttpClient client, Uri baseUrl, Uri directoryUrl, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(directoryUrl, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {directoryUrl.PathAndQuery} answered {(int)response.StatusCode}; is the profile right (--profile)?");
        }

        return Parse(await response.Content.ReadAsStringAsync(cancellationToken), baseUrl);
    }

    /// <summary>Reads a directory document; throws <see cref="InvalidOperationException"/> naming a missing member.</summary>
    public static AcmeDirectory Parse(string json, Uri baseUrl)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new AcmeDirectory(Member(root, "newNonce", baseUrl), Member(root, "newAccount", baseUrl), Member(root, "newOrder", baseUrl));
    }

    /// <summary>
    /// An absolute URL the server handed out, on the base URL's scheme, host and port: only its path (which carries any prefix)
    /// is kept, as acme_burst does. The JWS <c>url</c> is signed over this same URL, so the server's check still holds.
    /// </summary>
    public static Uri Rebase(Uri baseUrl, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps)
            ? new Uri(baseUrl, absolute.AbsolutePath)
            : throw new FormatException($"'{url}' is not an absolute http(s) URL.");

    private static Uri Member(JsonElement root, string name, Uri baseUrl) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? Rebase(baseUrl, value.GetString()!)
            : throw new InvalidOperationException($"the directory has no {name}.");
}
