using System.Net.Sockets;

namespace Certctl.LoadTest.Tests;

public class ErrorKindsTests
{
    [Fact]
    public void Client_timeouts_are_timeouts()
    {
        Assert.Equal(ErrorKinds.Timeout, ErrorKinds.Classify(new TaskCanceledException("timed out", new TimeoutException())));
        Assert.Equal(ErrorKinds.Timeout, ErrorKinds.Classify(new HttpRequestException("connect", new TimeoutException())));
    }

    [Fact]
    public void Refused_connections_are_told_apart_from_other_connection_failures()
    {
        Assert.Equal(
            ErrorKinds.ConnectionRefused,
            ErrorKinds.Classify(new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal(
            ErrorKinds.ConnectionError,
            ErrorKinds.Classify(new HttpRequestException(HttpRequestError.ConnectionError, "reset", new SocketException((int)SocketError.ConnectionReset))));
        Assert.Equal(ErrorKinds.ConnectionError, ErrorKinds.Classify(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")));
        Assert.Equal(ErrorKinds.ConnectionError, ErrorKinds.Classify(new HttpRequestException("io", new IOException("broken pipe"))));
    }

    [Fact]
    public void Bad_http_is_a_protocol_error_and_anything_else_is_other()
    {
        Assert.Equal(ErrorKinds.ProtocolError, ErrorKinds.Classify(new HttpRequestException(HttpRequestError.InvalidResponse, "garbage")));
        Assert.Equal(ErrorKinds.Other, ErrorKinds.Classify(new InvalidOperationException()));
    }
}
