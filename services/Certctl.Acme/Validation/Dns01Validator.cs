using Certctl.Acme.Protocol;
using DnsClient;

namespace Certctl.Acme.Validation;

/// <summary>
/// RFC 8555 §8.4: a TXT record at <c>_acme-challenge.{identifier}</c> must hold base64url(SHA-256(key authorization)); other TXT
/// records beside it are fine. Asks the configured resolver (<c>CERTCTL_ACME_SERVER_DNS_RESOLVER</c>) with no cache. No connection
/// is made to the identifier's own addresses, so there is nothing for the private-address check to guard.
/// </summary>
public sealed class Dns01Validator(ValidationResolver resolver, ValidationRun run) : IChallengeValidator
{
    public string Type => "dns-01";

    public Task<ChallengeValidationResult> ValidateAsync(ChallengeValidationRequest request, CancellationToken cancellationToken) =>
        run.RunAsync(Type, request.Identifier, token => LookUpAsync(request, token), cancellationToken);

    private async Task<ChallengeValidationResult> LookUpAsync(ChallengeValidationRequest request, CancellationToken cancellationToken)
    {
        var identifier = request.Identifier;
        var name = "_acme-challenge." + identifier.Value.TrimEnd('.');
        IDnsQueryResponse response;
        try
        {
            response = await resolver.Client.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException ex)
        {
            return Invalid(ValidationProblems.Dns(identifier, $"Looking up TXT for {name} failed: {ex.Code}."));
        }

        if (response.Header.ResponseCode != DnsHeaderResponseCode.NoError)
        {
            return Invalid(ValidationProblems.Dns(identifier, $"{response.Header.ResponseCode} looking up TXT for {name}."));
        }

        var expected = KeyAuthorizationDigest.Base64UrlSha256(request.KeyAuthorization);
        // A record's character-strings form one value (RFC 7208 §3.3 style); the digest fits in one, but a split one still counts.
        var values = response.Answers.TxtRecords().Select(record => string.Concat(record.Text)).ToList();
        if (values.Contains(expected, StringComparer.Ordinal))
        {
            return ChallengeValidationResult.Valid;
        }

        return Invalid(ValidationProblems.IncorrectResponse(identifier, values.Count == 0
            ? $"No TXT record found at {name}."
            : $"None of the {values.Count} TXT records at {name} is the expected \"{expected}\"."));
    }

    private static ChallengeValidationResult Invalid(Problems.AcmeProblem problem) => ChallengeValidationResult.Invalid(problem);
}
