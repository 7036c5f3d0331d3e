using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Certctl.Acme.Http;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Nonces;

/// <summary>
/// Mints and opens RFC 8555 §6.5 nonces without I/O: <c>base64url(iv ‖ AES-256-GCM(replica ‖ counter ‖ issued-at) ‖ tag)</c> under
/// <c>CERTCTL_ACME_SERVER_NONCE_KEY</c>, which every replica shares, so any replica can open a nonce another one minted.
/// The random replica tag and the counter make the nonce id unique across replicas; the timestamp bounds its lifetime; the GCM tag
/// makes a forged or altered nonce unopenable. Single use is enforced by <see cref="NonceRedemptions"/>.
/// </summary>
public sealed class NonceService : IDisposable
{
    private const int IvSize = 12;
    private const int TagSize = 16;
    private const int PlaintextSize = 24; // replica 8 ‖ counter 8 ‖ issued-at unix ms 8
    private const int SealedSize = IvSize + PlaintextSize + TagSize;

    /// <summary>Length of a nonce's text.</summary>
    public static readonly int EncodedLength = Base64Url.GetEncodedLength(SealedSize);

    // A nonce from a clock slightly ahead (another replica) is fine; one from the far future was not made by us.
    private static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lifetime;
    private readonly ulong _replica = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
    // AesGcm instances are not documented as thread-safe; one per thread keeps minting lock-free.
    private readonly ThreadLocal<AesGcm> _cipher;
    private long _counter;

    public NonceService(IOptions<AcmeServerOptions> options, TimeProvider timeProvider)
    {
        var key = Convert.FromBase64String(options.Value.NonceKey?.Trim()
            ?? throw new InvalidOperationException(AcmeServerOptions.NonceKeyProblem(null)));
        _cipher = new ThreadLocal<AesGcm>(() => new AesGcm(key, TagSize), trackAllValues: true);
        _timeProvider = timeProvider;
        _lifetime = options.Value.NonceLifetime;
    }

    /// <summary>A fresh nonce.</summary>
    public string Issue()
    {
        Span<byte> plaintext = stackalloc byte[PlaintextSize];
        BinaryPrimitives.WriteUInt64BigEndian(plaintext, _replica);
        BinaryPrimitives.WriteInt64BigEndian(plaintext[8..], Interlocked.Increment(ref _counter));
        BinaryPrimitives.WriteInt64BigEndian(plaintext[16..], _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());

        Span<byte> sealedNonce = stackalloc byte[SealedSize];
        var iv = sealedNonce[..IvSize];
        // A random IV per nonce: replicas share the key, so a counter IV could repeat across them (fatal for GCM).
        RandomNumberGenerator.Fill(iv);
        _cipher.Value!.Encrypt(iv, plaintext, sealedNonce.Slice(IvSize, PlaintextSize), sealedNonce[(IvSize + PlaintextSize)..]);
        AcmeMetrics.NoncesIssued.Add(1);
        return Base64Url.EncodeToString(sealedNonce);
    }

    /// <summary>Opens <paramref name="nonce"/>: its id and expiry when it is ours and fresh; otherwise why not.</summary>
    public NonceCheck Open(string? nonce)
    {
        if (nonce is null || nonce.Length != EncodedLength)
        {
            return NonceCheck.Invalid(NonceVerdict.Forged);
        }

        Span<byte> sealedNonce = stackalloc byte[SealedSize];
        if (Base64Url.DecodeFromChars(nonce, sealedNonce, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != nonce.Length || written != SealedSize)
        {
            return NonceCheck.Invalid(NonceVerdict.Forged);
        }

        Span<byte> plaintext = stackalloc byte[PlaintextSize];
        try
        {
            _cipher.Value!.Decrypt(sealedNonce[..IvSize], sealedNonce.Slice(IvSize, PlaintextSize), sealedNonce[(IvSize + PlaintextSize)..], plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return NonceCheck.Invalid(NonceVerdict.Forged);
        }

        var issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plaintext[16..]));
        var now = _timeProvider.GetUtcNow();
        if (issuedAt > now + FutureSkew)
        {
            return NonceCheck.Invalid(NonceVerdict.Forged);
        }

        if (now - issuedAt > _lifetime)
        {
            return NonceCheck.Invalid(NonceVerdict.Stale);
        }

        return new NonceCheck(NonceVerdict.Redeemable, new Guid(plaintext[..16]), issuedAt + _lifetime);
    }

    public void Dispose()
    {
        foreach (var cipher in _cipher.Values)
        {
            cipher.Dispose();
        }

        _cipher.Dispose();
    }
}
