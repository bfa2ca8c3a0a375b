using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Qualification;

namespace Leadgate.Pipeline;

public sealed record MoveDealRequest
{
    /// <summary>The target stage by name (as the organisation calls it), or <see cref="StageId"/>.</summary>
    [MaxLength(100)]
    public string? Stage { get; set; }

    public Guid? StageId { get; set; }

    /// <summary>The proposal amount, for a stage that means Opportunity; the final amount for a stage that means Won.</summary>
    [Range(0.01, 1_000_000_000_000)]
    public decimal? Amount { get; set; }

    /// <summary>The proposal's reference (its number or link), for a stage that asks for one; kept on the deal.</summary>
    [MaxLength(Deal.MaxProposalReferenceLength)]
    public string? ProposalReference { get; set; }

    /// <summary>For Won: the day it closed; today when left out.</summary>
    public DateOnly? ClosedOn { get; set; }

    /// <summary>For Lost: a code from the organisation's lost reasons.</summary>
    [MaxLength(50)]
    public string? Reason { get; set; }

    /// <summary>For Lost: where the lead goes.</summary>
    public AfterLost? Then { get; set; }

    [MaxLength(2000)]
    public string? Note { get; set; }

    /// <summary>For Lost: who the deal was lost to, when known.</summary>
    [MaxLength(Deal.MaxCompetitorLength)]
    public string? Competitor { get; set; }

    /// <summary>For Lost with Nurture: the day marketing may make the lead an MQL again (in the future).</summary>
    public DateOnly? RevisitOn { get; set; }
}

/// <summary>
/// Moves a deal to another stage of its pipeline. A stage that means Opportunity, Won or Lost for a lead that is not there
/// yet goes through the lead's own lifecycle method (the table's proposal, won or lost row, with its guards); a move back
/// leaves the lead's stage as it is. A refusal names every missing field, the stage's and the lifecycle's, and changes nothing.
/// </summary>
public sealed class MoveDeal(LeadgateDbContext db, TimeProvider clock)
{
    public static readonly Requirement ThenRequirement = new("then", "Where the lead of a lost deal goes: Nurture or Disqualified.");

    public async Task<Result<DealView>> HandleAsync(Guid dealId, MoveDealRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return new Forbidden("Only sales users and managers move deals.");
        }

        if (string.IsNullOrWhiteSpace(request.Stage) == request.StageId is null)
        {
            return Invalid.Field(request.StageId is null ? "stage" : "stageId", "Name the stage to move to (stage), or give its id (stageId); not both.");
        }

        if (request.Amount is <= 0 or > 1_000_000_000_000m)
        {
            return Invalid.Field("amount", "An amount greater than zero.");
        }

        var now = clock.GetUtcNow();
        if (request.ClosedOn > CalendarToday.Latest(now))
        {
            return Invalid.Field("closedOn", "A deal cannot close in the future.");
        }

        if (AfterLostRevisit.Refused(request.Then, request.RevisitOn, now) is { } badRevisit)
        {
            return badRevisit;
        }

        if (request.ProposalReference?.Trim().Length > Deal.MaxProposalReferenceLength)
        {
            return Invalid.Field("proposalReference", $"At most {Deal.MaxProposalReferenceLength} characters.");
        }

        if (request.Note?.Length > 2000)
        {
            return Invalid.Field("note", "At most 2000 characters.");
        }

        if (request.Competitor?.Trim().Length > Deal.MaxCompetitorLength)
        {
            return Invalid.Field("competitor", $"At most {Deal.MaxCompetitorLength} characters.");
        }

        var reason = await ListReasons.FindAsync(db, actor.OrganisationId, ReasonKind.Lost, request.Reason, cancellationToken);
        if (reason.Error is { } badReason)
        {
            return badReason;
        }

        return await db.ChangeDealAsync(
            dealId, actor, expectedVersion, clock,
            (deal, lead, pipelines) => Move(deal, lead, pipelines, request, reason.Value, actor, now),
            cancellationToken);
    }

    /// <summary>The move itself, on a loaded deal and lead (run inside <see cref="DealChanges.Apply"/>); the demo moves its deals through it too.</summary>
    internal static Result<Done> Move(Deal deal, Lead lead, IReadOnlyList<SalesPipeline> pipelines, MoveDealRequest request, Reason? reason, Actor actor, DateTimeOffset at)
    {
        if (deal.Status != DealStatus.Open)
        {
            return new Conflict("deal-closed", $"The deal is {deal.Status}; a closed deal no longer moves.");
        }

        var (pipeline, current) = GetDeal.StageOf(deal, pipelines);
        var name = request.Stage?.Trim();
        var target = pipeline.Stages.FirstOrDefault(s => s.IsActive
            && (request.StageId is { } id ? s.Id == id : string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)));
        if (target is null)
        {
            return Invalid.Field(request.StageId is null ? "stage" : "stageId",
                $"Not an active stage of the pipeline '{pipeline.Name}'; use one of {string.Join(", ", pipeline.Stages.Where(s => s.IsActive).OrderBy(s => s.Position).Select(s => s.Name))}.");
        }

        if (target.Id == current.Id)
        {
            return Done.Value;
        }

        var missing = new List<Requirement>(deal.MissingFor(target, request.Amount, request.ProposalReference));
        var today = DateOnly.FromDateTime(at.UtcDateTime);
        var then = request.Then switch
        {
            AfterLost.Nurture => Stage.Nurture,
            AfterLost.Disqualified => Stage.Disqualified,
            null => (Stage?)null,
        };

        // What the lifecycle table is asked: none for a stage whose meaning the lead has reached already (a move back included).
        (LeadAction Action, Stage To, TransitionFacts Facts)? lifecycle = target.Meaning switch
        {
            StageMeaning.Sql => null,
            StageMeaning.Opportunity when lead.Stage == Stage.Sql =>
                (LeadAction.RecordProposal, Stage.Opportunity, new TransitionFacts(at) { Lead = lead, Amount = request.Amount ?? deal.ProposalAmount }),
            StageMeaning.Opportunity => null,
            StageMeaning.Won => (LeadAction.MarkWon, Stage.Customer, new TransitionFacts(at) { Lead = lead, Amount = request.Amount, ClosedOn = request.ClosedOn ?? today }),
            StageMeaning.Lost => (LeadAction.MarkLost, then ?? Stage.Nurture, new TransitionFacts(at) { Lead = lead, ListedReason = reason, Note = request.Note }),
        };
        if (target.Meaning == StageMeaning.Lost && then is null)
        {
            missing.Add(ThenRequirement);
        }

        var toStage = lead.Stage;
        if (lifecycle is { } ask)
        {
            // Asked first without changing anything, so the stage's and the table's missing fields come in one refusal.
            var decision = Lifecycle.Decide(ask.Action, lead.Stage, ask.To, actor, ask.Facts);
            switch (decision.Error)
            {
                case RequirementsMissing alsoMissing:
                    missing.AddRange(alsoMissing.Missing.Where(m => !missing.Exists(x => x.Code == m.Code)));
                    break;
                case { } other:
                    return other;
            }

            toStage = ask.To;
        }

        if (missing.Count > 0)
        {
            return new RequirementsMissing(lead.Stage, toStage, missing);
        }

        // Kept before the lifecycle closes the deal (a refused move is not saved, so it leaves no reference behind).
        if (!string.IsNullOrWhiteSpace(request.ProposalReference))
        {
            deal.Plan(new DealPlan { SetsProposalReference = true, ProposalReference = request.ProposalReference }, at);
        }

        var moved = target.Meaning switch
        {
            StageMeaning.Sql => Done.Value,
            StageMeaning.Opportunity when lead.Stage == Stage.Sql => lead.RecordProposal(deal, request.Amount ?? deal.ProposalAmount ?? 0, actor, at),
            StageMeaning.Opportunity => Done.Value,
            StageMeaning.Won => lead.MarkWon(deal, request.Amount ?? 0, request.ClosedOn ?? today, actor, at),
            StageMeaning.Lost => lead.MarkLost(deal, reason, request.Note, then!.Value, actor, at, request.RevisitOn),
        };
        if (moved.Error is { } refused)
        {
            return refused;
        }

        if (target.Meaning == StageMeaning.Lost)
        {
            deal.LostTo(request.Competitor);
        }

        deal.EnterStage(target, pipeline.Id, at);
        return Done.Value;
    }
}
