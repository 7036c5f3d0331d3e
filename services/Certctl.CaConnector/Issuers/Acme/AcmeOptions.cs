using System.ComponentModel.DataAnnotations;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>How the ACME connector bounds the part of an order it waits for inside the submission.</summary>
public sealed class AcmeOptions
{
    /// <summary>
    /// Seconds the submission polls a finalized order that is still processing before it parks the job for the
    /// async-order poller; 0 parks at once. Short, so a slow CA never holds an issuance consumer.
    /// </summary>
    [ConfigurationKeyName("CERTCTL_ACME_FINALIZE_WAIT_SECONDS")]
    [Range(0, 60)]
    public int FinalizeWaitSeconds { get; set; } = 10;
}
