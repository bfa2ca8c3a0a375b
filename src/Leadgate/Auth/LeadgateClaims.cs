using System.Security.Claims;
using Leadgate.Accounts;

namespace Leadgate.Web.Auth;

/// <summary>The claims every signed-in principal carries, whether it came from the cookie or an API key.</summary>
public static class LeadgateClaims
{
    public const string Organisation = "leadgate:org";
    public const string DisplayName = "leadgate:name";
    public const string ApiKey = "leadgate:key";

    /// <summary>The principal as the core sees it. Null when the principal is not a member of an organisation.</summary>
    public static Actor? ToActor(this ClaimsPrincipal principal, Channel channel)
    {
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(Organisation), out var organisationId))
        {
            return null;
        }

        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value);
        return Actor.ForUser(organisationId, userId, principal.FindFirstValue(DisplayName) ?? "", roles, channel) with
        {
            ApiKeyId = Guid.TryParse(principal.FindFirstValue(ApiKey), out var key) ? key : null,
        };
    }
}
