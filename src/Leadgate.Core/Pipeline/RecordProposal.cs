using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;

namespace Leadgate.Pipeline;

public sealed record RecordProposalRequest
{
    [Required]
    [Range(0.01, 1_000_000_000_000)]
    public decimal? Amount { get; set; }
}

/// <summary>A proposal or quote on the table makes the SQL an Opportunity.</summary>
public sealed class RecordProposal(LeadgateDbContext db, TimeProvider clock)
{
    public Task<Result<DealView>> HandleAsync(Guid dealId, RecordProposalRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Amount is > 1_000_000_000_000m or <= 0)
        {
            return Task.FromResult<Result<DealView>>(Invalid.Field("amount", "An amount greater than zero is required."));
        }

        return db.ChangeDealAsync(
            dealId, actor, expectedVersion, clock,
            (deal, lead, _) => lead.RecordProposal(deal, request.Amount ?? 0, actor, clock.GetUtcNow()),
            cancellationToken);
    }
}
