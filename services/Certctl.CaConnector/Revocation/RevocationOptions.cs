using System.ComponentModel.DataAnnotations;

namespace Certctl.CaConnector.Revocation;

/// <summary>CRL and OCSP lifetimes, the OCSP responder's rotation, and how many revocation messages one process handles at once.</summary>
public sealed class RevocationOptions : IValidatableObject
{
    /// <summary>Hours between a CRL's thisUpdate and nextUpdate (7 days); the scheduler regenerates it once half of that has passed.</summary>
    [ConfigurationKeyName("CERTCTL_CRL_VALIDITY_HOURS")]
    [Range(1, 8760)]
    public int CrlValidityHours { get; set; } = 168;

    /// <summary>Minutes between an OCSP answer's thisUpdate and nextUpdate (1 hour): how long a client or the gateway may reuse it.</summary>
    [ConfigurationKeyName("CERTCTL_OCSP_RESPONSE_VALIDITY_MINUTES")]
    [Range(1, 10080)]
    public int OcspResponseValidityMinutes { get; set; } = 60;

    /// <summary>Days a new OCSP responder certificate is valid (the original's 30).</summary>
    [ConfigurationKeyName("CERTCTL_OCSP_RESPONDER_VALIDITY_DAYS")]
    [Range(1, 366)]
    public int OcspResponderValidityDays { get; set; } = 30;

    /// <summary>Days before its expiry that the responder certificate is replaced (the original's 7).</summary>
    [ConfigurationKeyName("CERTCTL_OCSP_RESPONDER_ROTATION_GRACE_DAYS")]
    [Range(0, 365)]
    public int OcspResponderRotationGraceDays { get; set; } = 7;

    /// <summary><c>RevokeCertificate</c> and <c>GenerateCrl</c> messages one process handles at once (also their prefetch).</summary>
    [ConfigurationKeyName("CERTCTL_CA_REVOCATION_CONCURRENCY")]
    [Range(1, 256)]
    public int RevocationConcurrency { get; set; } = 4;

    /// <summary><c>SignOcspResponse</c> requests one process signs at once (also their prefetch).</summary>
    [ConfigurationKeyName("CERTCTL_OCSP_SIGNING_CONCURRENCY")]
    [Range(1, 1024)]
    public int OcspSigningConcurrency { get; set; } = 32;

    public TimeSpan CrlValidity => TimeSpan.FromHours(CrlValidityHours);

    public TimeSpan OcspResponseValidity => TimeSpan.FromMinutes(OcspResponseValidityMinutes);

    public TimeSpan OcspResponderValidity => TimeSpan.FromDays(OcspResponderValidityDays);

    public TimeSpan OcspResponderRotationGrace => TimeSpan.FromDays(OcspResponderRotationGraceDays);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OcspResponderRotationGraceDays >= OcspResponderValidityDays)
        {
            yield return new ValidationResult(
                "CERTCTL_OCSP_RESPONDER_ROTATION_GRACE_DAYS must be shorter than CERTCTL_OCSP_RESPONDER_VALIDITY_DAYS, or every request would make a new responder.");
        }

        if (OcspResponseValidity >= OcspResponderValidity - OcspResponderRotationGrace)
        {
            yield return new ValidationResult("CERTCTL_OCSP_RESPONSE_VALIDITY_MINUTES must be shorter than the responder certificate's life before rotation.");
        }
    }
}
