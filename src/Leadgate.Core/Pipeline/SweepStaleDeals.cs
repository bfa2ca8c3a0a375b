using Leadgate.Data;
using Leadgate.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record StaleRound(int Notified, int Warmed);

/// <summary>
/// Keep-warm's sweep, run by every app instance in the background: each deal that went stale is claimed by a conditional
/// UPDATE of its <see cref="Deal.StaleNotifiedAt"/> that only one instance can win, in the same transaction as the
/// happening that tells its owner (in-app) and the webhook <c>deal.stale</c>; a deal that is warm again is cleared, so its
/// next stale spell is told again.
/// </summary>
public sealed class SweepStaleDeals(LeadgateDbContext db, TimeProvider clock)
{
    private const int Batch = 500;

    public async Task<StaleRound> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var organisations = await db.Pipelines.AsNoTracking().Select(p => p.OrganisationId).Distinct().ToListAsync(cancellationToken);
        var notified = 0;
        var warmed = 0;
        foreach (var organisation in organisations)
        {
            var stages = await db.PipelineStages.AsNoTracking()
                .Where(s => db.Pipelines.Any(p => p.Id == s.PipelineId && p.OrganisationId == organisation))
                .ToListAsync(cancellationToken);
            var stale = ListDeals.StaleWhere(db, stages, now);
            var staleIds = await db.Deals.AsNoTracking().Where(d => d.OrganisationId == organisation).Where(stale).Select(d => d.Id).ToListAsync(cancellationToken);
            var told = await db.Deals.AsNoTracking().Where(d => d.OrganisationId == organisation && d.StaleNotifiedAt != null).Select(d => d.Id).ToListAsync(cancellationToken);
            var warm = told.Except(staleIds).ToList();
            foreach (var chunk in warm.Chunk(Batch))
            {
                warmed += await db.Deals.Where(d => chunk.Contains(d.Id) && d.StaleNotifiedAt != null)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.StaleNotifiedAt, (DateTimeOffset?)null), cancellationToken);
            }

            var toTell = staleIds.Except(told).Take(Batch).ToList();
            foreach (var dealId in toTell)
            {
                notified += await ClaimAsync(dealId, stages, now, cancellationToken);
            }
        }

        return new StaleRound(notified, warmed);
    }

    private async Task<int> ClaimAsync(Guid dealId, IReadOnlyList<PipelineStage> stages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await db.Deals.Where(d => d.Id == dealId && d.StaleNotifiedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.StaleNotifiedAt, now), cancellationToken);
            if (claimed == 0)
            {
                // Another instance was first.
                return 0;
            }

            var deal = await db.Deals.AsNoTracking().SingleAsync(d => d.Id == dealId, cancellationToken);
            var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == deal.LeadId, cancellationToken);
            var stage = stages.FirstOrDefault(s => s.Id == deal.StageId)?.Name ?? "";
            var lastTouch = lead.LastActivityAt is { } touched && touched > deal.CreatedAt ? touched : deal.CreatedAt;
            db.Happenings.Add(Happening.DealStale(lead, deal.Id, deal.OwnerId, stage, lastTouch, now));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return 1;
        });
    }
}
