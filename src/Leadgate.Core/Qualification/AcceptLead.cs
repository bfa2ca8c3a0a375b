using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Qualification;

public sealed record AcceptLeadRequest
{
    /// <summary>The deal's estimated value.</summary>
    [Required]
    [Range(0.01, 1_000_000_000_000)]
    public decimal? DealValue { get; set; }

    /// <summary>ISO 4217; the organisation's currency when left out.</summary>
    [MaxLength(3)]
    public string? Currency { get; set; }

    [Required]
    public DateOnly? ExpectedCloseDate { get; set; }
}

/// <summary>
/// How a lead becomes an SQL: only a sales user, only after a logged two-way conversation since the lead became MQL, and
/// only with a BANT assessment that meets the organisation's minimum. Accepting opens the deal.
/// </summary>
public sealed class AcceptLead(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, AcceptLeadRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var organisation = await db.Organisations.AsNoTracking()
            .Where(o => o.Id == actor.OrganisationId)
            .Select(o => new { o.DefaultCurrency, o.SqlMinimum })
            .FirstAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var terms = DealTerms.Parse(request.DealValue, request.Currency, request.ExpectedCloseDate, CalendarToday.Earliest(now), organisation.DefaultCurrency);
        if (terms.Error is { } invalid)
        {
            return invalid;
        }

        return await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            async lead =>
            {
                var conversation = lead.MqlAt is { } since
                    ? await db.Activities
                        .Where(a => a.LeadId == lead.Id && a.OccurredAt >= since)
                        .Where(Activity.TwoWayConversation)
                        .OrderByDescending(a => a.OccurredAt)
                        .FirstOrDefaultAsync(cancellationToken)
                    : null;
                var accepted = lead.Accept(terms.Value, conversation, organisation.SqlMinimum, actor, now);
                if (accepted.Error is { } refused)
                {
                    return refused;
                }

                // The deal starts in the first stage of the organisation's first pipeline that means Sql.
                var pipeline = (await Pipelines.LoadAsync(db, actor.OrganisationId, now, cancellationToken))[0];
                var deal = accepted.Value;
                Place(deal, pipeline, actor, now);
                db.Deals.Add(deal);
                return Done.Value;
            },
            cancellationToken);
    }

    /// <summary>A newly opened deal starts in the pipeline's first stage that means Sql; its history starts with that row.</summary>
    internal static void Place(Deal deal, SalesPipeline pipeline, Actor actor, DateTimeOffset at)
    {
        deal.EnterStage(Pipelines.PlacementOf(pipeline, DealStatus.Open, proposed: false), pipeline.Id, at);
        deal.Recorded(null, actor, at);
    }
}
