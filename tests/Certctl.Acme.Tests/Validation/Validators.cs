using System.Diagnostics.Metrics;
using Certctl.Acme.Protocol;
using Certctl.Acme.Validation;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Tests.Validation;

/// <summary>The three validators wired as the service wires them, with test options.</summary>
internal sealed class Validators
{
    public Validators(AcmeValidationOptions options)
    {
        var wrapped = Options.Create(options);
        var run = new ValidationRun(wrapped, new AcmeValidationMetrics(new Meter("Certctl.Acme.Tests")));
        var connector = new ValidationConnector(new ValidationResolver(wrapped), wrapped);
        Http01 = new Http01Validator(connector, run, wrapped);
        Dns01 = new Dns01Validator(new ValidationResolver(wrapped), run);
        TlsAlpn01 = new TlsAlpn01Validator(connector, run, wrapped);
    }

    public Http01Validator Http01 { get; }

    public Dns01Validator Dns01 { get; }

    public TlsAlpn01Validator TlsAlpn01 { get; }

    /// <summary>A request for a dns identifier with a fresh token and key authorization.</summary>
    public static ChallengeValidationRequest Request(string name, bool allowPrivateAddresses = true, string type = "dns")
    {
        var token = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        return new ChallengeValidationRequest(new AcmeIdentifier(type, name), token, token + ".thumbprint-" + token[..8], allowPrivateAddresses);
    }
}
