using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;

namespace Leadgate.Pipeline;

public sealed record MarkDealWonRequest
{
    /// <summary>The final amount signed.</summary>
    [Required]
    [Range(0.01, 1_000_000_000_000)]
    public decimal? Amount { get; set; }

    /// <summary>The day it closed; today when left out.</summary>
    public DateOnly? ClosedOn { get; set; }
}

/// <summary>The deal is won: the lead becomes a Customer.</summary>
public sealed class MarkDealWon(LeadgateDbContext db, TimeProvider clock)
{
    public Task<Result<DealView>> HandleAsync(Guid dealId, MarkDealWonRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (request.Amount is > 1_000_000_000_000m or <= 0)
        {
            return Task.FromResult<Result<DealView>>(Invalid.Field("amount", "An amount greater than zero is required."));
        }

        // The user's today may already be tomorrow in UTC (CalendarToday).
        if (request.ClosedOn > CalendarToday.Latest(now))
        {
            return Task.FromResult<Result<DealView>>(Invalid.Field("closedOn", "A deal cannot close in the future."));
        }

        return db.ChangeDealAsync(
            dealId, actor, expectedVersion, clock,
            (deal, lead, _) => lead.MarkWon(deal, request.Amount ?? 0, request.ClosedOn ?? today, actor, now),
            cancellationToken);
    }
}
