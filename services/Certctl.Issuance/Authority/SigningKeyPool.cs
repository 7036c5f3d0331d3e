using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Certctl.Issuance;

/// <summary>
/// Copies of the CA private key, one per concurrent signer. .NET does not promise that one RSA or ECDsa instance may
/// sign on several threads at once, and a lock would cap issuance at one core; copies let it use them all.
/// </summary>
internal sealed class SigningKeyPool : IDisposable
{
    private readonly AsymmetricAlgorithm _original;
    private readonly Lock _originalLock = new();
    private readonly ConcurrentBag<AsymmetricAlgorithm> _idle = [];
    private readonly int _maxIdle = Math.Max(2, Environment.ProcessorCount);

    public SigningKeyPool(AsymmetricAlgorithm original) => _original = original;

    /// <summary>Runs <paramref name="use"/> with a key no other thread is using.</summary>
    public TResult Use<TResult>(Func<AsymmetricAlgorithm, TResult> use)
    {
        var key = _idle.TryTake(out var idle) ? idle : Copy();
        try
        {
            return use(key);
        }
        finally
        {
            if (_idle.Count < _maxIdle)
            {
                _idle.Add(key);
            }
            else
            {
                key.Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="use"/> on the original key (exports), never at the same time as a copy is made.</summary>
    public TResult UseOriginal<TResult>(Func<AsymmetricAlgorithm, TResult> use)
    {
        lock (_originalLock)
        {
            return use(_original);
        }
    }

    public void Dispose()
    {
        _original.Dispose();
        while (_idle.TryTake(out var key))
        {
            key.Dispose();
        }
    }

    private AsymmetricAlgorithm Copy()
    {
        lock (_originalLock)
        {
            var pkcs8 = _original.ExportPkcs8PrivateKey();
            try
            {
                AsymmetricAlgorithm copy = _original switch
                {
                    RSA => RSA.Create(),
                    ECDsa => ECDsa.Create(),
                    _ => throw new InvalidOperationException($"A CA key of type {_original.GetType().Name} cannot sign."),
                };
                copy.ImportPkcs8PrivateKey(pkcs8, out _);
                return copy;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }
    }
}
