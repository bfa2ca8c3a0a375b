using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Leads;

/// <summary>Reads one lead of the caller's organisation with its history, activities and scores (explained as of now).</summary>
public sealed class GetLead(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, Actor actor, CancellationToken cancellationToken)
    {
        // A merged lead's id answers with the lead it survives in (the answer's id says which).
        leadId = await MergeLead.SurvivorOfAsync(db, leadId, actor.OrganisationId, cancellationToken);
        var lead = await db.Leads.AsNoTracking()
            .Where(l => l.Id == leadId && l.OrganisationId == actor.OrganisationId)
            .Select(l => new
            {
                l.Id,
                l.ContactId,
                l.Contact.LawfulBasis,
                l.Contact.LawfulBasisSource,
                l.Contact.LawfulBasisAt,
                l.Contact.Email,
                l.Contact.FirstName,
                l.Contact.LastName,
                l.Contact.JobTitle,
                l.Contact.Phone,
                l.Source,
                l.Campaign,
                l.SourceStage,
                l.SourceCreatedAt,
                l.SourceOutcome,
                l.AttributesJson,
                Company = l.Company == null ? null : new CompanyView(l.Company.Id, l.Company.Name, l.Company.Domain, l.Company.Industry, l.Company.Employees, l.Company.Country),
                l.Stage,
                l.HighestStage,
                l.WorkStatus,
                l.OwnerId,
                OwnerName = db.Users.Where(u => u.Id == l.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
                l.DealId,
                l.CreatedAt,
                l.UpdatedAt,
                l.StageChangedAt,
                l.MqlAt,
                l.RevisitOn,
                l.Bant,
                l.BantAssessedAt,
                l.BantAssessedBy,
                l.Version,
                l.FitScore,
                l.EngagementScore,
                l.ScoredAt,
                Facts = new LeadFacts(l.Company == null ? null : l.Company.Industry, l.Company == null ? null : l.Company.Employees, l.Company == null ? null : l.Company.Country, l.Contact.JobTitle, null),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (lead is null)
        {
            return new NotFound("Lead", leadId);
        }

        var history = await db.StageEvents.AsNoTracking()
            .Where(e => e.LeadId == leadId)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new StageEventView(e.Id, e.From, e.To, e.At, e.ActorKind, e.ActorUserId, e.ActorName, e.Reason, e.Note, e.EvidenceActivityId))
            .ToListAsync(cancellationToken);
        var activities = await db.Activities.AsNoTracking()
            .Where(a => a.LeadId == leadId)
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .ToListAsync(cancellationToken);

        var handover = await db.Handovers.AsNoTracking()
            .Where(h => h.LeadId == leadId)
            .OrderByDescending(h => h.StartedAt).ThenByDescending(h => h.Id)
            .Select(h => new HandoverView(h.StartedAt, h.AssignedAt, h.OwnerId, h.Team, h.Route, h.SlaDueAt, h.FirstTouchAt, h.BreachedAt != null, h.BreachedAt, h.EscalatedAt, h.EndedAt))
            .FirstOrDefaultAsync(cancellationToken);
        var assignments = await db.Assignments.AsNoTracking()
            .Where(a => a.LeadId == leadId)
            .OrderBy(a => a.At).ThenBy(a => a.Id)
            .Select(a => new AssignmentView(a.Id, a.FromUserId, a.ToUserId, db.Users.Where(u => u.Id == a.ToUserId).Select(u => u.DisplayName).FirstOrDefault(), a.Reason, a.ActorName, a.At))
            .ToListAsync(cancellationToken);

        var consents = await db.Consents.AsNoTracking()
            .Where(c => c.ContactId == lead.ContactId)
            .OrderBy(c => c.GivenAt).ThenBy(c => c.Id)
            .Select(c => new Privacy.ConsentView(c.Id, c.FormId, c.FormName, c.Text, c.TextVersion, c.GivenAt))
            .ToListAsync(cancellationToken);

        var model = await db.ScoringModelOfAsync(actor.OrganisationId, cancellationToken);
        var events = await db.EventsOfAsync(leadId, cancellationToken);
        var breakdown = ScoreBreakdown.Of(model, lead.Facts, events, clock.GetUtcNow());

        return new LeadDetails(
            lead.Id, lead.Email, lead.FirstName, lead.LastName, lead.JobTitle, lead.Phone, lead.Source, lead.Campaign, lead.Company,
            lead.Stage, lead.HighestStage, lead.WorkStatus, lead.OwnerId, lead.OwnerName, lead.DealId,
            lead.CreatedAt, lead.UpdatedAt, lead.StageChangedAt, lead.MqlAt, lead.RevisitOn,
            new BantView(lead.Bant.Budget, lead.Bant.Authority, lead.Bant.Need, lead.Bant.Timeline, lead.Bant.ConfirmedCount, lead.BantAssessedAt, lead.BantAssessedBy),
            history,
            [.. activities.Select(a => new ActivityView(a.Id, a.Type, a.Direction, a.Outcome, a.Notes, a.OccurredAt, a.LoggedAt, a.UserId, a.ActorName, a.IsTwoWayConversation) { FromAgency = a.FromAgency })],
            lead.Version)
        {
            FitScore = breakdown.FitScore,
            EngagementScore = breakdown.EngagementScore,
            ScoreBreakdown = breakdown,
            ScoredAt = lead.ScoredAt,
            Handover = handover,
            Assignments = assignments,
            SourceStage = lead.SourceStage,
            SourceCreatedAt = lead.SourceCreatedAt,
            SourceOutcome = lead.SourceOutcome,
            Attributes = lead.AttributesJson is null ? null : LeadAttributes.Read(lead.AttributesJson),
            LawfulBasis = lead is { LawfulBasis: { } basis, LawfulBasisSource: { } source, LawfulBasisAt: { } at } ? new Privacy.RecordedBasis(basis, source, at) : null,
            Consents = consents,
            Likelihood = await Prediction.LeadLikelihoods.OfLeadAsync(db, actor.OrganisationId, leadId, clock.GetUtcNow(), cancellationToken),
            Agency = await db.AgencyHandovers.AsNoTracking()
                .Where(h => h.ClientLeadId == leadId && h.ClientOrganisationId == actor.OrganisationId)
                .OrderByDescending(h => h.HandedOverAt).ThenByDescending(h => h.Id)
                .Select(h => new Agency.AgencySourceView(h.AgencyName, h.Id, h.HandedOverAt, h.Status, h.Campaign, h.Note, h.DataOrigin))
                .FirstOrDefaultAsync(cancellationToken),
        };
    }
}
