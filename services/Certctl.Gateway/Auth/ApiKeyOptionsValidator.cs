using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Auth;

/// <summary>Fails start-up (with ValidateOnStart) when <c>CERTCTL_API_KEYS_NAMED</c> has an invalid entry.</summary>
internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options) => options.Errors.Count == 0
        ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail(options.Errors.Select(error => $"{ApiKeyOptions.NamedKeysVariable}: {error}"));
}
