using System.Buffers;
using System.Security.Cryptography;
using Certctl.Gateway.Problems;

namespace Certctl.Gateway.Audit;

/// <summary>SHA-256 of a request body, read up to the size cap and rewound so model binding reads it again.</summary>
public static class RequestBodyHash
{
    /// <summary>Lowercase hex SHA-256 of the body, or null when there is none; throws 413 past <paramref name="limit"/> bytes.</summary>
    public static async Task<string?> ComputeAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw RequestBodyLimitMiddleware.TooLarge(limit);
        }

        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long total = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw RequestBodyLimitMiddleware.TooLarge(limit);
                }

                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        request.Body.Position = 0;
        return total == 0 ? null : Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
