using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record DealView(
    Guid Id,
    Guid LeadId,
    string Title,
    decimal Value,
    string Currency,
    DateOnly ExpectedCloseDate,
    decimal? ProposalAmount,
    DateTimeOffset? ProposedAt,
    DealStatus Status,
    decimal? WonAmount,
    DateOnly? ClosedOn,
    string? LostReason,
    string? LostNote,
    Guid? OwnerId,
    Stage LeadStage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

public sealed class GetDeal(LeadgateDbContext db)
{
    public async Task<Result<DealView>> HandleAsync(Guid dealId, Actor actor, CancellationToken cancellationToken)
    {
        var deal = await db.Deals.AsNoTracking()
            .Where(d => d.Id == dealId && d.OrganisationId == actor.OrganisationId)
            .Select(d => new DealView(
                d.Id, d.LeadId, d.Title, d.Value, d.Currency, d.ExpectedCloseDate, d.ProposalAmount, d.ProposedAt, d.Status,
                d.WonAmount, d.ClosedOn, d.LostReason, d.LostNote, d.OwnerId,
                db.Leads.Where(l => l.Id == d.LeadId).Select(l => l.Stage).First(),
                d.CreatedAt, d.UpdatedAt, d.Version))
            .FirstOrDefaultAsync(cancellationToken);
        return deal is null ? new NotFound("Deal", dealId) : deal;
    }
}

internal static class DealChanges
{
    /// <summary>Loads a deal and its lead (checking If-Match on the deal), applies a change, saves, and reads the deal back.</summary>
    public static async Task<Result<DealView>> ChangeDealAsync(
        this LeadgateDbContext db, Guid dealId, Actor actor, long? expectedVersion, Func<Deal, Lead, Result<Done>> change, CancellationToken cancellationToken)
    {
        var deal = await db.Deals.FirstOrDefaultAsync(d => d.Id == dealId && d.OrganisationId == actor.OrganisationId, cancellationToken);
        if (deal is null)
        {
            return new NotFound("Deal", dealId);
        }

        if (Saving.CheckVersion(deal.Version, expectedVersion) is { } stale)
        {
            return stale;
        }

        var lead = await db.Leads.Include(l => l.Contact).Include(l => l.Company).FirstAsync(l => l.Id == deal.LeadId, cancellationToken);
        var changed = change(deal, lead);
        if (changed.Error is { } refused)
        {
            db.ChangeTracker.Clear();
            return refused;
        }

        var saved = await db.SaveAsync(expectedVersion, cancellationToken);
        return saved.Error is { } error ? error : await new GetDeal(db).HandleAsync(dealId, actor, cancellationToken);
    }
}
