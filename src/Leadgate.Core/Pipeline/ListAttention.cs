using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

/// <summary>Why an open deal needs attention.</summary>
public enum AttentionReason
{
    Stale,
    NextStepOverdue,
    CloseDatePassed,
    NoNextStep,
}

public sealed record AttentionItem(DealSummary Deal, IReadOnlyList<AttentionReason> Reasons);

public sealed record AttentionList(IReadOnlyList<AttentionItem> Items, int Total);

/// <summary>
/// The needs-attention view: open deals that are stale, whose next step is overdue, whose close date passed while open,
/// or that have no next step; the most urgent (earliest close date) first.
/// </summary>
public sealed class ListAttention(LeadgateDbContext db, TimeProvider clock)
{
    public const int MaxItems = 500;

    public async Task<AttentionList> HandleAsync(Guid? ownerId, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var pipelines = await Pipelines.ReadAsync(db, actor.OrganisationId, now, cancellationToken);
        var stale = ListDeals.StaleWhere(db, pipelines.SelectMany(p => p.Stages), now);
        var open = db.Deals.AsNoTracking().Where(d => d.OrganisationId == actor.OrganisationId && d.Status == DealStatus.Open);
        if (ownerId is { } owner)
        {
            open = open.Where(d => d.OwnerId == owner);
        }

        var needing = open.Where(ListDeals.Or(d => d.NextStepText == null || d.NextStepDueOn < today || d.ExpectedCloseDate < today, stale));
        var total = await needing.CountAsync(cancellationToken);
        var rows = await needing
            .OrderBy(d => d.ExpectedCloseDate).ThenBy(d => d.Id)
            .Take(MaxItems)
            .Join(db.Leads, d => d.LeadId, l => l.Id, (d, l) => new
            {
                Deal = d,
                Lead = new { l.Stage, l.LastActivityAt },
                WarmByPlan = db.ScheduledActivities.Any(s => s.DealId == d.Id && s.DoneAt == null && s.DueAt > now),
            })
            .OrderBy(r => r.Deal.ExpectedCloseDate).ThenBy(r => r.Deal.Id)
            .ToListAsync(cancellationToken);
        var items = rows.Select(r =>
        {
            var v = GetDeal.View(r.Deal, r.Lead.Stage, r.Lead.LastActivityAt, r.WarmByPlan, pipelines, now);
            var reasons = new List<AttentionReason>();
            if (v.Stale)
            {
                reasons.Add(AttentionReason.Stale);
            }

            if (v.NextStep is { DueOn: { } due } && due < today)
            {
                reasons.Add(AttentionReason.NextStepOverdue);
            }

            if (v.ExpectedCloseDate < today)
            {
                reasons.Add(AttentionReason.CloseDatePassed);
            }

            if (v.NextStep is null)
            {
                reasons.Add(AttentionReason.NoNextStep);
            }

            return new AttentionItem(ListDeals.SummaryOf(v), reasons);
        }).ToList();
        return new AttentionList(items, total);
    }
}
