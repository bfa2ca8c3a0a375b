using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

/// <summary>
/// Either side's admin ends a link. What was handed over stays with the client and the link's row and hand-overs are kept
/// (the agency still sees the history); no new lead can be handed over. Ending an ended link changes nothing.
/// </summary>
public sealed class EndAgencyLink(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<AgencyLinkView>> HandleAsync(Guid linkId, Actor actor, CancellationToken cancellationToken)
    {
        var link = await db.AgencyLinks.FirstOrDefaultAsync(
            l => l.Id == linkId && (l.AgencyOrganisationId == actor.OrganisationId || l.ClientOrganisationId == actor.OrganisationId), cancellationToken);
        if (link is null)
        {
            return new NotFound("Agency link", linkId);
        }

        if (!actor.IsIn(Roles.Admin))
        {
            return new Forbidden("Only an admin ends an agency link.");
        }

        link.End(actor.Name, clock.GetUtcNow());
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : await AgencyLinks.ViewAsync(db, link.Id, actor, cancellationToken);
    }
}
