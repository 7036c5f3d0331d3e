using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Certctl.Client.Models;
using Refit;

namespace Certctl.Client;

/// <summary>Reads the gateway's RFC 7807 problem document out of a failed call.</summary>
public static class ApiExceptionProblemExtensions
{
    /// <summary>True when the error response carried a JSON problem document; <paramref name="problem"/> is then that document.</summary>
    public static bool TryGetProblem(this ApiException exception, [NotNullWhen(true)] out ProblemDocument? problem)
    {
        ArgumentNullException.ThrowIfNull(exception);
        problem = null;
        var mediaType = exception.ContentHeaders?.ContentType?.MediaType;
        if (string.IsNullOrEmpty(exception.Content) || mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            problem = JsonSerializer.Deserialize<ProblemDocument>(exception.Content, CertctlClientSettings.SerializerOptions);
        }
        catch (JsonException)
        {
            return false;
        }

        if (problem is { Status: null, Title: null, Type: null })
        {
            problem = null;
        }

        return problem is not null;
    }
}
