using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Qualification;

namespace Leadgate.Pipeline;

/// <summary>Where a lost deal's lead goes: back to marketing, or out.</summary>
public enum AfterLost
{
    Nurture,
    Disqualified,
}

public sealed record MarkDealLostRequest
{
    /// <summary>A code from the organisation's lost reasons, such as Price.</summary>
    [Required]
    [MaxLength(50)]
    public string? Reason { get; set; }

    [Required]
    public AfterLost? Then { get; set; }

    [MaxLength(2000)]
    public string? Note { get; set; }

    /// <summary>Who the deal was lost to, when known.</summary>
    [MaxLength(Deal.MaxCompetitorLength)]
    public string? Competitor { get; set; }

    /// <summary>With Nurture: the day marketing may make the lead an MQL again (in the future); none when left out.</summary>
    public DateOnly? RevisitOn { get; set; }
}

/// <summary>A lost deal's revisit date: only for a lead going to Nurture, and in the future (for the user: CalendarToday).</summary>
internal static class AfterLostRevisit
{
    public static Invalid? Refused(AfterLost? then, DateOnly? revisitOn, DateTimeOffset now) => revisitOn switch
    {
        null => null,
        _ when then == AfterLost.Disqualified => Invalid.Field("revisitOn", "Only a lead that goes to Nurture gets a revisit date."),
        { } revisit when revisit <= CalendarToday.Earliest(now) => Invalid.Field("revisitOn", "The revisit date must be in the future."),
        _ => null,
    };
}

/// <summary>The deal is lost: its lead goes to Nurture (with a revisit date, if given) or Disqualified, with the lost reason.</summary>
public sealed class MarkDealLost(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<DealView>> HandleAsync(Guid dealId, MarkDealLostRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Then is not { } then)
        {
            return Invalid.Field("then", "Say where the lead goes: Nurture or Disqualified.");
        }

        if (request.Note?.Length > 2000)
        {
            return Invalid.Field("note", "At most 2000 characters.");
        }

        if (request.Competitor?.Trim().Length > Deal.MaxCompetitorLength)
        {
            return Invalid.Field("competitor", $"At most {Deal.MaxCompetitorLength} characters.");
        }

        if (AfterLostRevisit.Refused(then, request.RevisitOn, clock.GetUtcNow()) is { } badRevisit)
        {
            return badRevisit;
        }

        var reason = await ListReasons.FindAsync(db, actor.OrganisationId, ReasonKind.Lost, request.Reason, cancellationToken);
        if (reason.Error is { } invalid)
        {
            return invalid;
        }

        var target = then switch
        {
            AfterLost.Nurture => Stage.Nurture,
            AfterLost.Disqualified => Stage.Disqualified,
        };
        return await db.ChangeDealAsync(
            dealId, actor, expectedVersion, clock,
            (deal, lead, _) =>
            {
                var lost = lead.MarkLost(deal, reason.Value, request.Note, target, actor, clock.GetUtcNow(), request.RevisitOn);
                if (lost.IsSuccess)
                {
                    deal.LostTo(request.Competitor);
                }

                return lost;
            },
            cancellationToken);
    }
}
