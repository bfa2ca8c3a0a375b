using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

/// <summary>The caller's links, as agency and as client, newest first.</summary>
public sealed class ListAgencyLinks(LeadgateDbContext db)
{
    public async Task<IReadOnlyList<AgencyLinkView>> HandleAsync(Actor actor, CancellationToken cancellationToken) =>
        await AgencyLinks.ViewsFor(db, actor.OrganisationId).ToListAsync(cancellationToken);
}
