using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Leads;

public static class LeadLoading
{
    /// <summary>
    /// Loads a lead of the caller's organisation for a change, refusing a stale If-Match before anything is touched.
    /// Another organisation's lead is simply not found.
    /// </summary>
    public static async Task<Result<Lead>> LoadLeadForChangeAsync(this LeadgateDbContext db, Guid leadId, Actor actor, long? expectedVersion, CancellationToken cancellationToken)
    {
        var lead = await db.Leads
            .Include(l => l.Contact)
            .Include(l => l.Company)
            // The open handover, so a touch stops its clock and leaving Mql ends it.
            .Include(l => l.Handovers.Where(h => h.EndedAt == null))
            .FirstOrDefaultAsync(l => l.Id == leadId && l.OrganisationId == actor.OrganisationId, cancellationToken);
        if (lead is null)
        {
            return new NotFound("Lead", leadId);
        }

        return Saving.CheckVersion(lead.Version, expectedVersion) is { } stale ? stale : lead;
    }

    /// <summary>
    /// The shape of every change to a lead: load it (checking If-Match), let the domain change it (or refuse), save,
    /// and answer with the lead as it now is. A refusal changes nothing.
    /// </summary>
    public static async Task<Result<LeadDetails>> ChangeLeadAsync(
        this LeadgateDbContext db, Guid leadId, Actor actor, long? expectedVersion, TimeProvider clock, Func<Lead, Task<Result<Done>>> change, CancellationToken cancellationToken)
    {
        var loaded = await db.LoadLeadForChangeAsync(leadId, actor, expectedVersion, cancellationToken);
        if (loaded.Error is { } notLoaded)
        {
            return notLoaded;
        }

        var changed = await change(loaded.Value);
        if (changed.Error is { } refused)
        {
            db.ChangeTracker.Clear();
            return refused;
        }

        var saved = await db.SaveAsync(expectedVersion, cancellationToken);
        return saved.Error is { } error ? error : await new GetLead(db, clock).HandleAsync(leadId, actor, cancellationToken);
    }
}
