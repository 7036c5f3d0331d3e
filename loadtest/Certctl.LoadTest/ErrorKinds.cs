using System.Net.Sockets;

namespace Certctl.LoadTest;

/// <summary>The names errors are counted under.</summary>
public static class ErrorKinds
{
    /// <summary>Due while the in-flight cap was reached, so never sent.</summary>
    public const string Dropped = "dropped";

    /// <summary>No complete response within the client timeout.</summary>
    public const string Timeout = "timeout";

    public const string ConnectionRefused = "connection_refused";

    /// <summary>Any other failure to connect or a connection lost mid-request.</summary>
    public const string ConnectionError = "connection_error";

    /// <summary>The target answered something that is not valid HTTP.</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>A response the scenario does not accept because of its status (see by_status).</summary>
    public const string HttpStatus = "http_status";

    /// <summary>A response whose status was right but whose body is not what the scenario reads (see the scenario).</summary>
    /// <summary>A 429 that is not an ACME rateLimited problem with a Retry-After (the scenario read it and says so).</summary>
    public const string MalformedRateLimit = "malformed_429";

    public const string UnexpectedBody = "unexpected_body";

    public const string Other = "other";

    /// <summary>Names the kind of a request failure.</summary>
    public static string Classify(Exception exception)
    {
        if (exception is OperationCanceledException || Find<TimeoutException>(exception) is not null)
        {
            return Timeout;
        }

        if (Find<SocketException>(exception) is { } socket)
        {
            return socket.SocketErrorCode == SocketError.ConnectionRefused ? ConnectionRefused : ConnectionError;
        }

        if (exception is HttpRequestException http)
        {
            return http.HttpRequestError switch
            {
                HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.ProxyTunnelError or HttpRequestError.NameResolutionError => ConnectionError,
                HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError or HttpRequestError.ConfigurationLimitExceeded => ProtocolError,
                _ when Find<IOException>(exception) is not null => ConnectionError,
                _ => Other,
            };
        }

        return Find<IOException>(exception) is not null ? ConnectionError : Other;
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
