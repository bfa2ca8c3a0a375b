using System.Security.Claims;
using Leadgate.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Auth;

/// <summary>Adds the organisation and display name to the cookie principal.</summary>
public sealed class LeadgateClaimsFactory(UserManager<User> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<User, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(LeadgateClaims.Organisation, user.OrganisationId.ToString()));
        identity.AddClaim(new Claim(LeadgateClaims.DisplayName, user.DisplayName));
        return identity;
    }
}
