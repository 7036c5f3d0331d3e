using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Certctl.Acme.Validation;

/// <summary>The SHA-256 of a key authorization: raw for tls-alpn-01's acmeIdentifier (RFC 8737 §3), base64url for dns-01's TXT (RFC 8555 §8.4).</summary>
public static class KeyAuthorizationDigest
{
    public static byte[] Sha256(string keyAuthorization) => SHA256.HashData(Encoding.UTF8.GetBytes(keyAuthorization));

    public static string Base64UrlSha256(string keyAuthorization) => Base64Url.EncodeToString(Sha256(keyAuthorization));
}
