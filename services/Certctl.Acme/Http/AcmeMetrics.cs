using System.Diagnostics.Metrics;
using Certctl.ServiceDefaults;

namespace Certctl.Acme.Http;

/// <summary>The ACME protocol layer's instruments on Certctl's meter (Prometheus: <c>certctl_acme_*_total</c>).</summary>
public static class AcmeMetrics
{
    public static readonly Counter<long> JwsRejections =
        Telemetry.Meter.CreateCounter<long>("certctl.acme.jws_rejections", "{request}", "JWS requests refused by the verification pipeline, by reason.");

    public static readonly Counter<long> Problems =
        Telemetry.Meter.CreateCounter<long>("certctl.acme.problems", "{response}", "ACME problem documents answered, by type.");

    public static readonly Counter<long> NoncesIssued =
        Telemetry.Meter.CreateCounter<long>("certctl.acme.nonces_issued", "{nonce}", "Nonces minted (no I/O).");

    public static readonly Counter<long> Accounts =
        Telemetry.Meter.CreateCounter<long>("certctl.acme.accounts", "{event}", "Account events: created, updated, deactivated, key_changed.");
}
