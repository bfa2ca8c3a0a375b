using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;

namespace Leadgate.Pipeline;

/// <summary>New estimates for an open deal; what is left out stays as it is.</summary>
public sealed record ReviseDealRequest
{
    [Range(0.01, 1_000_000_000_000)]
    public decimal? Value { get; set; }

    [MaxLength(3)]
    public string? Currency { get; set; }

    public DateOnly? ExpectedCloseDate { get; set; }
}

public sealed class ReviseDeal(LeadgateDbContext db, TimeProvider clock)
{
    public Task<Result<DealView>> HandleAsync(Guid dealId, ReviseDealRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return Task.FromResult<Result<DealView>>(new Forbidden("Only sales users and managers revise deals."));
        }

        return db.ChangeDealAsync(
            dealId, actor, expectedVersion,
            (deal, _) => deal.Revise(request.Value, request.Currency, request.ExpectedCloseDate, clock.GetUtcNow()),
            cancellationToken);
    }
}
