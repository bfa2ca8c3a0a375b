using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record DealChangeView(
    DateTimeOffset At, string By, Guid? ByUserId, Guid? StageId, string? Stage, DealStatus Status, decimal Value, string Currency,
    DateOnly ExpectedCloseDate, int Probability, ProbabilitySource ProbabilitySource, ForecastCategory ForecastCategory);

/// <summary>A deal's history, oldest first: each row is the deal as it was after one change.</summary>
public sealed class GetDealHistory(LeadgateDbContext db)
{
    public async Task<Result<IReadOnlyList<DealChangeView>>> HandleAsync(Guid dealId, Actor actor, CancellationToken cancellationToken)
    {
        if (!await db.Deals.AnyAsync(d => d.Id == dealId && d.OrganisationId == actor.OrganisationId, cancellationToken))
        {
            return new NotFound("Deal", dealId);
        }

        var rows = await db.DealChanges.AsNoTracking()
            .Where(c => c.DealId == dealId)
            .OrderBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new DealChangeView(
                c.At, c.ActorName, c.ActorUserId, c.StageId,
                db.PipelineStages.Where(s => s.Id == c.StageId).Select(s => s.Name).FirstOrDefault(),
                c.Status, c.Value, c.Currency, c.ExpectedCloseDate, c.Probability, c.ProbabilitySource, c.ForecastCategory))
            .ToListAsync(cancellationToken);
        return rows;
    }
}
