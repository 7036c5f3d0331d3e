using System.Security.Claims;

namespace Certctl.Gateway.Auth;

/// <summary>Reads the <see cref="OperatorIdentity"/> from a handler's <see cref="ClaimsPrincipal"/> parameter.</summary>
public static class OperatorIdentityExtensions
{
    /// <summary>The operator behind the request: <c>(ClaimsPrincipal user) =&gt; user.GetOperator().Name</c>.</summary>
    public static OperatorIdentity GetOperator(this ClaimsPrincipal user) => OperatorIdentity.From(user);
}
