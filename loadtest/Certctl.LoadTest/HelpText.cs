using System.Globalization;
using Certctl.LoadTest.Acme;
using Certctl.LoadTest.Agents;
using Certctl.LoadTest.Scenarios;
using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest;

/// <summary>The --help page.</summary>
public static class HelpText
{
    public static void Write(TextWriter output)
    {
        output.WriteLine("""
            Certctl load driver: open-model (constant arrival rate) HTTP load against a loopback target.

            Usage:
              dotnet run -c Release --project loadtest/Certctl.LoadTest -- <scenario> [options]
              dotnet run -c Release --project loadtest/Certctl.LoadTest -- seed <fixture> --database CONN [seed options]
              dotnet run -c Release --project loadtest/Certctl.LoadTest -- drain pipeline_drain --database CONN [drain options]
              dotnet run -c Release --project loadtest/Certctl.LoadTest -- acme_issuance [acme_issuance options]

            Scenarios:
            """);
        var context = new ScenarioContext(LoadOptions.DefaultBaseUrl, new Dictionary<string, string>());
        foreach (var scenario in ScenarioCatalog.All(context))
        {
            var d = scenario.Defaults;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {scenario.Name,-18}{scenario.Description}"));
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {string.Empty,-18}defaults: --rate {d.Rate:0.##} --duration {DurationText.Format(d.Duration)}  thresholds: {string.Join(", ", d.Thresholds.Select(t => t.Expression))}"));
        }

        output.WriteLine("""

            Options:
              --base-url URL          target base URL (default http://localhost:8080); must resolve to 127.0.0.0/8 or ::1
              --rate N                offered load in requests per second (scenario default)
              --duration D            measured window, e.g. 30s, 2m, 1m30s (scenario default)
              --warmup D              load offered before the measured window, not counted (default 0s)
              --max-in-flight N       cap on outstanding requests; arrivals beyond it are dropped and count as errors (default 10000)
              --connections N         most connections the client opens; requests beyond wait in the client, which counts
                                      as latency (default 256)
              --timeout D             per-request timeout (default 30s)
              --threshold EXPR        pass/fail rule, repeatable; replaces the scenario default on the same metric.
                                      metrics: p50 p90 p95 p99 p999 max mean (ms|us|s), errors (N% or a count), throughput (req/s)
                                      e.g. --threshold p99<10ms --threshold errors<0.1% --threshold throughput>=5000
              --no-default-thresholds use only the --threshold rules given
              --ramp START:END:STEP   ceiling hunt: one --duration step per rate; stops at the first step whose p99 breaks the
                                      p99 threshold (10 ms if none) or that has any error; reports the last rate that held
              --out FILE              JSON summary path (default loadtest/results/<scenario>-<utc>.json)
              --param NAME=VALUE      scenario setting, repeatable
              --api-key KEY           operator API key sent as Authorization: Bearer (default: $CERTCTL_API_KEY)
              --if-none-match         list scenarios: fetch the page's ETag first, then send If-None-Match (measures the 304 path);
                                      same as --param if_none_match=true
              -q, --quiet             no progress lines on stderr
              -h, --help              this page

            Exit codes: 0 every threshold held (ramp: a ceiling was found), 1 a threshold failed or the run was interrupted,
            2 usage error or a non-loopback target.

            Seed fixtures (certificates inserted straight into the suite's Postgres, one set-based statement, idempotent):
            """);
        foreach (var fixture in SeedFixture.All)
        {
            output.WriteLine($"  {fixture.Name,-18}{fixture.Description}");
        }

        output.WriteLine($"  {AgentFleet.Name,-18}5,000 Online agents loadtest-agent-00001…, heartbeats over the last 60 s, OS 80/10/10 linux/windows/darwin,");
        output.WriteLine($"  {string.Empty,-18}tokens derived from ${AgentFleet.SecretVariable} (or --agent-secret); the agent_storm scenario needs the same secret");
        output.WriteLine($"  {AcmeBurstFixture.Name,-18}1,000 Active certificates loadtest-ari-00001… with one version each, named by the ARI cert ids acme_burst asks for");

        output.WriteLine("""

            Seed options:
              --database CONN         Npgsql connection string of the suite's database (default: $CERTCTL_LOADTEST_DATABASE);
                                      every Host must be 127.0.0.0/8, ::1, localhost or a Unix-socket directory
              --count N               how many certificates (fixture default; a rerun inserts only the missing ones)
              --reset-jobs            then delete the fixture's jobs and the versions a run issued, and return its certificates
                                      to their seeded status (and expiry, where a run renewed them), so the next bulk renewal
                                      creates every job again
              --remove                delete the fixture's certificates (and their jobs) instead
              --agent-secret S        agent_storm: the secret the agents' tokens derive from (default: $CERTCTL_LOADTEST_AGENT_SECRET)

            Seed exit codes: 0 done (also when nothing needed inserting), 1 database error or demo seed missing, 2 usage error
            or a non-loopback database.

            Drain (pipeline_drain; also runs as `pipeline_drain`): one bulk-renew of every loadtest-drain-… certificate (seed
            pipeline_drain --reset-jobs first), then polls the database read-only every 500 ms until every job created since the
            start is Completed, or Failed with no attempt left, or Cancelled; reports drain time, issuances/s (overall and the
            steadiest 10 s window) and job latency p50/p90/p99/max (completed_at - created_at).

            Drain options:
              --database CONN         as for seed (default: $CERTCTL_LOADTEST_DATABASE); read-only, loopback only
              --base-url URL          the gateway (default http://localhost:8080); loopback only
              --api-key KEY           operator API key (default: $CERTCTL_API_KEY)
              --timeout D             longest wait from the trigger for every job to end (default 5m)
              --max-drain D           pass only when the last job completed within this time of the trigger (default 60s)
              --max-failed N          pass only when at most N jobs failed for good or were cancelled (default 0)
              --out FILE              JSON summary path (default loadtest/results/pipeline_drain-<utc>.json)
              -q, --quiet             no progress lines (otherwise one every 5 s on stderr)

            Drain exit codes: 0 every rule held, 1 a rule failed, the drain timed out or was interrupted, the fixture is missing
            or has active jobs, or the trigger or the database failed; 2 usage error or a non-loopback gateway or database.

            acme_issuance (closed loop, not a constant rate): each virtual client registers an ES256 account, then issues one
            certificate after another through signed ACME requests: new-order for a random name under --domain, finalize with a
            fresh P-256 CSR, POST-as-GET the order until valid, download the chain. The profile must be trust_authenticated.
            Reports certificates/s, issuance latency (new-order sent to chain downloaded), per-step latency (new_nonce,
            new_account, new_order, finalize, poll_order, certificate) and errors by step.kind (e.g. new_order.rateLimited).

            acme_issuance options:
              --base-url URL          the gateway (default http://localhost:8080); loopback only
              --profile ID            profile whose ACME server is loaded (default prof-standard-tls; "" for the /acme shorthand)
              --domain NAME           names are <12 hex>.NAME (default acme-load.example.com)
              --clients N             virtual clients, one account each (default 50)
              --duration D            how long clients start new certificates (default 60s)
              --poll-cap D            longest wait between polls of a processing order, whatever Retry-After says (default 50ms)
              --order-timeout D       a finalized order not valid within this counts as poll_order.timeout (default 60s)
              --timeout D             per-request timeout (default 30s)
              --threshold EXPR        as above, plus certs_per_s>=N; latency rules are the issuance's (p95<2s) or a step's
                                      (finalize.p95<200ms); default errors<1% (errors: flows given up / flows)
              --no-default-thresholds use only the --threshold rules given
              --out FILE              JSON summary path (default loadtest/results/acme_issuance-<utc>.json)
              -q, --quiet             no progress lines (otherwise one every 5 s on stderr)

            acme_issuance exit codes: 0 every rule held and a certificate was issued, 1 a rule failed, none was issued, the
            directory could not be read or the run was interrupted; 2 usage error or a non-loopback target.
            """);
    }
}
