using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Scoring;

/// <summary>The thin step between the pure scoring functions and a lead: score it, keep the scores, apply the MQL rule.</summary>
public static class LeadScoring
{
    public static LeadFacts FactsOf(Lead lead) =>
        new(lead.Company?.Industry, lead.Company?.Employees, lead.Company?.Country, lead.Contact.JobTitle);

    /// <summary>
    /// Rescores the lead and, when the rule says so, makes it an MQL with the rule's name as the actor. Only a lead in Iql,
    /// or in Nurture after its revisit date, can move (the lifecycle table decides); for any other stage a met rule
    /// changes nothing, and lower scores never move a lead anywhere. Answers the rule that moved the lead, if any.
    /// </summary>
    public static string? Rescore(Lead lead, ScoringModel model, IEnumerable<ScoredEvent> events, BehaviourType? newHandRaise, DateTimeOffset at)
    {
        var breakdown = ScoreBreakdown.Of(model, FactsOf(lead), events, at);
        lead.RecordScores(breakdown.FitScore, breakdown.EngagementScore, at);
        if (lead.Stage is not (Stage.Iql or Stage.Nurture))
        {
            return null;
        }

        if (MqlRule.Decide(model, breakdown.FitScore, breakdown.EngagementScore, newHandRaise) is not { } rule)
        {
            return null;
        }

        var moved = lead.MarkMql(rule.Reason, Actor.ForRule(lead.OrganisationId, rule.Rule), at);
        return moved.IsSuccess ? rule.Rule : null;
    }

    /// <summary>After a change that may move fit (job title, company facts): rescore from the stored events; no new hand-raise.</summary>
    public static async Task<string?> RescoreAsync(this LeadgateDbContext db, Lead lead, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var model = await db.ScoringModelOfAsync(lead.OrganisationId, cancellationToken);
        var events = await db.EventsOfAsync(lead.Id, cancellationToken);
        return Rescore(lead, model, events, null, at);
    }

    /// <summary>The stored events of several leads, as the explanation takes them, in one query.</summary>
    public static async Task<ILookup<Guid, ScoredEvent>> EventsOfAsync(this LeadgateDbContext db, IReadOnlyCollection<Guid> leadIds, CancellationToken cancellationToken)
    {
        Guid[] ids = [.. leadIds];
        var events = ids.Length == 0 ? [] : await db.BehaviourEvents.AsNoTracking()
            .Where(e => EF.Parameter(ids).Contains(e.LeadId))
            .Select(e => new { e.LeadId, Event = new ScoredEvent(e.ExternalId, e.Type, e.OccurredAt) })
            .ToListAsync(cancellationToken);
        return events.ToLookup(e => e.LeadId, e => e.Event);
    }

    public static async Task<List<ScoredEvent>> EventsOfAsync(this LeadgateDbContext db, Guid leadId, CancellationToken cancellationToken) =>
        await db.BehaviourEvents.AsNoTracking()
            .Where(e => e.LeadId == leadId)
            .Select(e => new ScoredEvent(e.ExternalId, e.Type, e.OccurredAt))
            .ToListAsync(cancellationToken);
}
