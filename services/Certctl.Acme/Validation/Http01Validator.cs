using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using Certctl.Acme.Protocol;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Validation;

/// <summary>
/// RFC 8555 §8.3: GET <c>http://{identifier}/.well-known/acme-challenge/{token}</c> must answer 200 with the key authorization
/// (surrounding whitespace ignored). Redirects are followed by hand, at most <see cref="MaxRedirects"/>, only to http on the
/// http-01 port or https on the tls-alpn-01 port; every hop connects through the address check.
/// </summary>
public sealed class Http01Validator(ValidationConnector connector, ValidationRun run, IOptions<AcmeValidationOptions> options) : IChallengeValidator
{
    /// <summary>Boulder's limit, and the original's.</summary>
    public const int MaxRedirects = 10;

    /// <summary>Longest body read; a key authorization is under 100 bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public string Type => "http-01";

    public Task<ChallengeValidationResult> ValidateAsync(ChallengeValidationRequest request, CancellationToken cancellationToken) =>
        run.RunAsync(Type, request.Identifier, token => FetchAsync(request, token), cancellationToken);

    private async Task<ChallengeValidationResult> FetchAsync(ChallengeValidationRequest request, CancellationToken cancellationToken)
    {
        var identifier = request.Identifier;
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 16,
            ConnectCallback = async (context, token) =>
                await connector.ConnectAsync(identifier, context.DnsEndPoint.Host, context.DnsEndPoint.Port, request.AllowPrivateAddresses, token),
            // A redirect to https proves nothing by its certificate: the proof is the body, so any certificate is accepted.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("certctl-acme-validator/1.0");

        var url = new UriBuilder(Uri.UriSchemeHttp, identifier.Value, options.Value.Http01Port, $"/.well-known/acme-challenge/{request.Token}").Uri;
        for (var redirects = 0; ; redirects++)
        {
            using var response = await SendAsync(client, identifier, url, cancellationToken);
            if (IsRedirect(response.StatusCode))
            {
                if (redirects == MaxRedirects)
                {
                    return Invalid(identifier, $"Too many redirects (more than {MaxRedirects}) fetching {url}.");
                }

                url = NextHop(identifier, url, response.Headers.Location);
                continue;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Invalid(identifier, $"{url} answered {(int)response.StatusCode}, not 200.");
            }

            var body = await ReadBodyAsync(identifier, url, response, cancellationToken);
            return body.Trim() == request.KeyAuthorization
                ? ChallengeValidationResult.Valid
                : Invalid(identifier, $"The key authorization at {url} is wrong: expected \"{request.KeyAuthorization}\", got \"{Excerpt(body.Trim())}\".");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, AcmeIdentifier identifier, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is ValidationFailedException failure)
        {
            throw failure;
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            throw new ValidationFailedException(ValidationProblems.Tls(identifier, $"TLS with {url.Authority} failed: {ex.InnerException.Message}"));
        }
        catch (HttpRequestException ex)
        {
            throw new ValidationFailedException(ValidationProblems.Connection(identifier, $"Fetching {url} failed: {ex.Message}"));
        }
    }

    private Uri NextHop(AcmeIdentifier identifier, Uri current, Uri? location)
    {
        if (location is null)
        {
            throw new ValidationFailedException(ValidationProblems.IncorrectResponse(identifier, $"{current} redirected without a Location."));
        }

        var next = location.IsAbsoluteUri ? location : new Uri(current, location);
        var allowedPort = next.Scheme == Uri.UriSchemeHttp ? options.Value.Http01Port : next.Scheme == Uri.UriSchemeHttps ? options.Value.TlsAlpn01Port : -1;
        if (allowedPort < 0 || next.Port != allowedPort)
        {
            throw new ValidationFailedException(ValidationProblems.IncorrectResponse(identifier,
                $"{current} redirected to {next}: only http on port {options.Value.Http01Port} and https on port {options.Value.TlsAlpn01Port} are followed."));
        }

        return next;
    }

    private static async Task<string> ReadBodyAsync(AcmeIdentifier identifier, Uri url, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxBodyBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
            }

            if (length > MaxBodyBytes)
            {
                throw new ValidationFailedException(ValidationProblems.IncorrectResponse(identifier, $"The body at {url} is larger than {MaxBodyBytes} bytes."));
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new ValidationFailedException(ValidationProblems.Connection(identifier, $"Reading the body at {url} failed: {ex.Message}"));
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static ChallengeValidationResult Invalid(AcmeIdentifier identifier, string detail) =>
        ChallengeValidationResult.Invalid(ValidationProblems.IncorrectResponse(identifier, detail));

    // The stored problem echoes what the server answered, cut short and stripped of control characters.
    private static string Excerpt(string body) =>
        new([.. body.Take(128).Select(c => char.IsControl(c) ? '?' : c)]);
}
