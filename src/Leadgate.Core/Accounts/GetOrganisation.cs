using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Accounts;

public sealed record OrganisationSettingsView(Guid Id, string Slug, string Name, string DefaultCurrency, string TimeZone, BantMinimum SqlMinimum);

/// <summary>The caller's organisation: its currency, time zone and the BANT minimum for SQL.</summary>
public sealed class GetOrganisation(LeadgateDbContext db)
{
    public async Task<Result<OrganisationSettingsView>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var organisation = await db.Organisations.AsNoTracking()
            .Where(o => o.Id == actor.OrganisationId)
            .Select(o => new OrganisationSettingsView(o.Id, o.Slug, o.Name, o.DefaultCurrency, o.TimeZone, o.SqlMinimum))
            .FirstOrDefaultAsync(cancellationToken);
        return organisation is null ? new NotFound("Organisation", actor.OrganisationId) : organisation;
    }
}
