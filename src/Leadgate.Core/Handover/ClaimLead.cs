using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;

namespace Leadgate.Handover;

/// <summary>
/// A sales rep takes an MQL from the shared queue. When two reps claim the same lead at once exactly one gets it; the
/// other hears who was first (409). Claiming a lead one already owns changes nothing, so a retry is harmless.
/// </summary>
public sealed class ClaimLead(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) || actor.UserId is not { } me)
        {
            return new Forbidden("Only a sales user claims a lead from the shared queue.");
        }

        var result = await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            lead =>
            {
                if (lead.Stage != Stage.Mql)
                {
                    return Task.FromResult<Result<Done>>(new Conflict("not-in-queue", $"Only an MQL can be claimed; this lead is {lead.Stage}."));
                }

                if (lead.OwnerId is { } owner && owner != me)
                {
                    return Task.FromResult<Result<Done>>(AlreadyClaimed);
                }

                lead.AssignTo(me, "claimed from the shared queue", actor, clock.GetUtcNow());
                return Task.FromResult<Result<Done>>(Done.Value);
            },
            cancellationToken);

        if (result.Error is not Conflict { Code: "concurrent-update" })
        {
            return result;
        }

        // Losing the race to save means the lead changed at the same moment: claimed by another rep, or by this rep's own
        // retry, which then answers as a claim of a lead one owns already.
        db.ChangeTracker.Clear();
        var now = await new GetLead(db, clock).HandleAsync(leadId, actor, cancellationToken);
        return now.IsSuccess && now.Value is { Stage: Stage.Mql } lead && lead.OwnerId == me ? now : AlreadyClaimed;
    }

    private static Conflict AlreadyClaimed => new("already-claimed", "Another sales rep has claimed this lead; it is no longer in the shared queue.");
}
