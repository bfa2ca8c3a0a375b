using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Pipeline;
using Leadgate.Privacy;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Leads;

public sealed record MergeLeadRequest
{
    /// <summary>The lead that survives: it takes the other's histories, and the other's id answers with it.</summary>
    [Required]
    public Guid? IntoLeadId { get; set; }
}

/// <summary>
/// Merges two leads of one person (two addresses) into the one the user chose to survive: the other's stage history,
/// activities, scheduled activities, behaviour events, handovers, assignments and deal move to the survivor (each keeps
/// its own time, so the histories read in order), the survivor keeps the furthest stage either reached, and the merged
/// lead stays as a row that answers with its survivor and leaves lists and the funnel. So the funnel counts the person once.
/// Recorded in the audit log on both leads. Admins, managers and marketing merge; one transaction.
/// </summary>
public sealed class MergeLead(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<Guid>> HandleAsync(Guid leadId, MergeLeadRequest request, Actor actor, CancellationToken cancellationToken)
    {
        // Another organisation's lead is not found before anything else is said about it.
        var org = actor.OrganisationId;
        var merged = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId && l.OrganisationId == org, cancellationToken);
        if (merged is null)
        {
            return new NotFound("Lead", leadId);
        }

        if (!(actor.IsIn(Roles.Admin) || actor.IsIn(Roles.Manager) || actor.IsIn(Roles.Marketing)))
        {
            return new Forbidden("Only an admin, a manager or marketing merges leads.");
        }

        if (request.IntoLeadId is not { } intoId)
        {
            return Invalid.Field("intoLeadId", "Name the lead that survives the merge.");
        }

        if (intoId == leadId)
        {
            return Invalid.Field("intoLeadId", "A lead is not merged into itself.");
        }

        var survivor = await db.Leads.FirstOrDefaultAsync(l => l.Id == intoId && l.OrganisationId == org, cancellationToken);
        if (survivor is null)
        {
            return Invalid.Field("intoLeadId", "No lead of your organisation has this id.");
        }

        if (merged.MergedIntoId is not null || survivor.MergedIntoId is not null)
        {
            return new Conflict("already-merged", "One of the two leads was merged already; merge into the lead it survives in.");
        }

        if (merged.DealId is not null && survivor.DealId is not null)
        {
            return new Conflict("both-have-deals", "Both leads have a deal; close or keep them apart, a lead has one deal.");
        }

        var now = clock.GetUtcNow();
        // Inside the Idempotency-Key's transaction when the request carries one; its own otherwise.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await db.StageEvents.Where(e => e.LeadId == leadId).ExecuteUpdateAsync(u => u.SetProperty(e => e.LeadId, intoId), cancellationToken);
        await db.Activities.Where(a => a.LeadId == leadId).ExecuteUpdateAsync(u => u.SetProperty(a => a.LeadId, intoId), cancellationToken);
        await db.ScheduledActivities.Where(a => a.LeadId == leadId).ExecuteUpdateAsync(u => u.SetProperty(a => a.LeadId, intoId), cancellationToken);
        await db.BehaviourEvents.Where(e => e.LeadId == leadId).ExecuteUpdateAsync(u => u.SetProperty(e => e.LeadId, intoId), cancellationToken);
        await db.Handovers.Where(h => h.LeadId == leadId).ExecuteUpdateAsync(u => u.SetProperty(h => h.LeadId, intoId), cancellationToken);
        await db.Assignments.Where(a => a.LeadId == leadId).ExecuteUpdateAsync(u => u.SetProperty(a => a.LeadId, intoId), cancellationToken);
        if (merged.DealId is { } dealId)
        {
            await db.Deals.Where(d => d.Id == dealId).ExecuteUpdateAsync(u => u.SetProperty(d => d.LeadId, intoId), cancellationToken);
        }

        survivor.Absorb(merged, now);
        merged.MergeInto(intoId, now);
        db.AuditEntries.Add(AuditEntry.Record(actor, "lead.merged", "Lead", leadId, ["mergedIntoId"], now, $"merged into {intoId}"));
        db.AuditEntries.Add(AuditEntry.Record(actor, "lead.merged_from", "Lead", intoId, ["history"], now, $"took over {leadId}"));
        var saved = await db.SaveAsync(null, cancellationToken);
        if (saved.Error is { } error)
        {
            return error;
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return intoId;
    }

    /// <summary>The lead a merged lead's id answers with (following merges of merges); the id itself for any other lead.</summary>
    public static async Task<Guid> SurvivorOfAsync(LeadgateDbContext db, Guid leadId, Guid organisationId, CancellationToken cancellationToken)
    {
        var id = leadId;
        for (var hop = 0; hop < 16; hop++)
        {
            var into = await db.Leads.AsNoTracking().Where(l => l.Id == id && l.OrganisationId == organisationId).Select(l => l.MergedIntoId).FirstOrDefaultAsync(cancellationToken);
            if (into is not { } next)
            {
                return id;
            }

            id = next;
        }

        return id;
    }
}
