using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Certctl.Gateway.Problems;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Paging;

/// <summary>
/// Makes and reads opaque list cursors: base64url of a small versioned JSON (<c>{"v":1,"o":order,"k":[timestamp,id]}</c>),
/// a dot, and base64url of its HMAC-SHA256 tag. A cursor that was altered, or issued for another order, is a 400.
/// </summary>
public sealed partial class CursorCodec
{
    private const int Version = 1;
    private const int LongestCursor = 2048;
    private readonly byte[] _key;

    /// <summary>Uses <c>CERTCTL_CURSOR_KEY</c>, or a random per-process key (logged as a warning).</summary>
    public CursorCodec(IOptions<CursorOptions> options, ILogger<CursorCodec> logger)
    {
        if (string.IsNullOrEmpty(options.Value.Key))
        {
            _key = RandomNumberGenerator.GetBytes(32);
            LogGeneratedKey(logger, CursorOptions.KeyVariable);
        }
        else
        {
            _key = Encoding.UTF8.GetBytes(options.Value.Key);
        }
    }

    /// <summary>The cursor that continues after <paramref name="position"/> in <paramref name="keyset"/>'s order.</summary>
    public string Encode(TimestampIdKeyset keyset, KeysetPosition position)
    {
        var timestamp = position.Timestamp.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new CursorPayload(Version, keyset.Name, [timestamp, position.Id]));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload));
    }

    /// <summary>The position <paramref name="cursor"/> stands for; null for no cursor; a 400 validation problem for anything else.</summary>
    public KeysetPosition? Decode(string? cursor, TimestampIdKeyset keyset)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        return TryDecode(cursor, keyset) ?? throw DomainProblemException.Validation("cursor", "is not a cursor issued for this list; start again without it");
    }

    private KeysetPosition? TryDecode(string cursor, TimestampIdKeyset keyset)
    {
        var dot = cursor.IndexOf('.');
        if (cursor.Length > LongestCursor || dot <= 0)
        {
            return null;
        }

        byte[] payload, tag;
        try
        {
            payload = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            tag = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        // Check the tag before parsing anything the client sent.
        if (!CryptographicOperations.FixedTimeEquals(tag, HMACSHA256.HashData(_key, payload)))
        {
            return null;
        }

        var content = JsonSerializer.Deserialize<CursorPayload>(payload);
        if (content is not { V: Version, K: [var timestamp, var id] } || content.O != keyset.Name
            || !DateTimeOffset.TryParseExact(timestamp, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
        {
            return null;
        }

        return new KeysetPosition(at, id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Variable} is not set: list cursors are signed with a random per-process key. They stop working after a restart, and several gateway replicas need one shared key.")]
    private static partial void LogGeneratedKey(ILogger logger, string variable);

    private sealed record CursorPayload(
        [property: JsonPropertyName("v")] int V,
        [property: JsonPropertyName("o")] string O,
        [property: JsonPropertyName("k")] string[] K);
}
