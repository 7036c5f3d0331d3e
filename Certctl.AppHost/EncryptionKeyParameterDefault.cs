using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;

namespace Certctl.AppHost;

/// <summary>Generates a 256-bit key, base64-encoded: the form <c>CERTCTL_CONFIG_ENCRYPTION_KEY</c> takes.</summary>
internal sealed class EncryptionKeyParameterDefault : ParameterDefault
{
    public override string GetDefaultValue() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    // No default in a published manifest: a deployment supplies its own key from its secret store.
    public override void WriteToManifest(ManifestPublishingContext context)
    {
    }
}
