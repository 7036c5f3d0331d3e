using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Certctl.Domain;

/// <summary>Makes <see cref="EntityId"/> ids; ids from one generator sort in the order they were made.</summary>
/// <remarks>
/// Within one millisecond the random part counts up from a random start, and a clock that steps back is
/// held at the last millisecond seen, so one process never produces an id that sorts before its previous one.
/// Register one instance per process.
/// </remarks>
public sealed class IdGenerator
{
    private static readonly UInt128 MaxRandom = (UInt128.One << EntityId.RandomBits) - 1;
    private const long MaxTimestamp = (1L << 48) - 1;

    private readonly TimeProvider _timeProvider;
    private readonly RandomSource _fillRandom;
    private readonly Lock _gate = new();
    private long _lastTimestamp = -1;
    private UInt128 _lastRandom;

    public IdGenerator(TimeProvider timeProvider)
        : this(timeProvider, RandomNumberGenerator.Fill)
    {
    }

    internal IdGenerator(TimeProvider timeProvider, RandomSource fillRandom)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _fillRandom = fillRandom;
    }

    internal delegate void RandomSource(Span<byte> buffer);

    public string NewId(string prefix)
    {
        if (!EntityId.IsValidPrefix(prefix))
        {
            throw new ArgumentException($"'{prefix}' is not an id prefix (1–8 lower-case letters).", nameof(prefix));
        }

        var value = NextValue();
        return string.Create(prefix.Length + 1 + EntityId.BodyLength, (prefix, value), static (chars, state) =>
        {
            state.prefix.CopyTo(chars);
            chars[state.prefix.Length] = '-';
            CrockfordBase32.Encode(state.value, chars[(state.prefix.Length + 1)..]);
        });
    }

    private UInt128 NextValue()
    {
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        if (now is < 0 or > MaxTimestamp)
        {
            throw new InvalidOperationException("The clock is outside the range a 48-bit millisecond timestamp can hold.");
        }

        lock (_gate)
        {
            if (now > _lastTimestamp)
            {
                _lastTimestamp = now;
                _lastRandom = FreshRandom();
            }
            else if (_lastRandom < MaxRandom)
            {
                _lastRandom++;
            }
            else
            {
                // 2^80 ids in one millisecond will not happen, but if the counter ever runs out, borrow the next millisecond.
                _lastTimestamp++;
                _lastRandom = FreshRandom();
            }

            return ((UInt128)(ulong)_lastTimestamp << EntityId.RandomBits) | _lastRandom;
        }
    }

    private UInt128 FreshRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        _fillRandom(bytes[..(EntityId.RandomBits / 8)]);
        return BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }
}
