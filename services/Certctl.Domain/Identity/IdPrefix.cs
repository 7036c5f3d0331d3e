namespace Certctl.Domain;

/// <summary>The prefix each kind of row puts before its generated id, such as <c>job-01jh…</c>.</summary>
public static class IdPrefix
{
    public const string ManagedCertificate = "mc";
    public const string CertificateVersion = "cv";
    public const string Job = "job";
    public const string Agent = "ag";
    public const string DeploymentTarget = "tgt";
    public const string Issuer = "iss";
    public const string Owner = "own";
    public const string Team = "t";
    public const string RenewalPolicy = "rp";
    public const string CertificateProfile = "prof";
    public const string NotificationEvent = "ne";
    public const string CertificateRevocation = "cr";
    public const string AcmeAccount = "acct";
    public const string AcmeOrder = "ord";
    public const string AcmeAuthorization = "authz";
    public const string AcmeChallenge = "chal";
    public const string AcmeExternalAccountKey = "eab";
    public const string DiscoveredCertificate = "disc";
    public const string DiscoveryScan = "dscan";
}
