using System.Buffers.Text;
using System.Security.Cryptography;

namespace Certctl.Acme.Tests.Orders;

/// <summary>Rows the order tests stand on: ACME accounts inserted directly (account creation is tested with the JWS pipeline).</summary>
internal static class OrderRows
{
    /// <summary>Inserts a valid account of <paramref name="profileId"/> with a random key thumbprint; returns its id.</summary>
    public static async Task<string> AccountAsync(string connectionString, string profileId, string? id = null)
    {
        id ??= "acct-" + Guid.NewGuid().ToString("N");
        var thumbprint = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await Sql.ExecuteAsync(connectionString,
            "INSERT INTO acme_accounts (id, profile_id, jwk, jwk_thumbprint) VALUES ($1, $2, '{\"kty\":\"EC\"}'::jsonb, $3)", id, profileId, thumbprint);
        return id;
    }

    public static async Task<string> ThumbprintAsync(string connectionString, string accountId) =>
        (await Sql.ScalarAsync<string>(connectionString, "SELECT jwk_thumbprint FROM acme_accounts WHERE id = $1", accountId))!;
}
