using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Scoring;

/// <summary>
/// How a proposed model would judge the organisation's leads now. <see cref="MqlEligible"/> counts every lead the rule
/// would qualify; <see cref="WouldBecomeMql"/> only those the rule could move (Iql, or Nurture after its revisit date).
/// </summary>
public sealed record ScoringPreview(int Leads, int FitMet, int EngagementMet, int HandRaised, int MqlEligible, int WouldBecomeMql, int CurrentlyMql);

/// <summary>Scores every lead under a proposed model without saving anything: the settings page's preview.</summary>
public sealed class PreviewScoringModel(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<ScoringPreview>> HandleAsync(ScoringModel? model, Actor actor, CancellationToken cancellationToken)
    {
        if (ScoringAccess.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        if (model is null)
        {
            return Invalid.Field("body", "Send the proposed scoring model as a JSON object.");
        }

        if (model.Validate() is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var org = actor.OrganisationId;
        var leads = await db.Leads.AsNoTracking()
            .Where(l => l.OrganisationId == org)
            .Select(l => new
            {
                l.Id,
                l.Stage,
                l.RevisitOn,
                Facts = new LeadFacts(l.Company == null ? null : l.Company.Industry, l.Company == null ? null : l.Company.Employees, l.Company == null ? null : l.Company.Country, l.Contact.JobTitle, null),
            })
            .ToListAsync(cancellationToken);
        var events = (await db.BehaviourEvents.AsNoTracking()
            .Where(e => e.OrganisationId == org)
            .Select(e => new { e.LeadId, e.ExternalId, e.Type, e.OccurredAt })
            .ToListAsync(cancellationToken))
            .ToLookup(e => e.LeadId, e => new ScoredEvent(e.ExternalId, e.Type, e.OccurredAt));

        int fitMet = 0, engagementMet = 0, handRaised = 0, eligible = 0, wouldMove = 0;
        foreach (var lead in leads)
        {
            var standing = ScoreBreakdown.Of(model, lead.Facts, events[lead.Id], now).Rule;
            fitMet += standing.FitMet ? 1 : 0;
            engagementMet += standing.EngagementMet ? 1 : 0;
            handRaised += standing.HandRaise is null ? 0 : 1;
            if (standing.Qualifies)
            {
                eligible++;
                var movable = lead.Stage == Stage.Iql || (lead.Stage == Stage.Nurture && (lead.RevisitOn is null || lead.RevisitOn <= today));
                wouldMove += movable ? 1 : 0;
            }
        }

        return new ScoringPreview(leads.Count, fitMet, engagementMet, handRaised, eligible, wouldMove, leads.Count(l => l.Stage == Stage.Mql));
    }
}
