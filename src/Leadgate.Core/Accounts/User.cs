using Microsoft.AspNetCore.Identity;

namespace Leadgate.Accounts;

/// <summary>A person who signs in. Belongs to one organisation; the e-mail address is the user name.</summary>
public sealed class User : IdentityUser<Guid>
{
    public Guid OrganisationId { get; set; }

    public string DisplayName { get; set; } = "";
}
