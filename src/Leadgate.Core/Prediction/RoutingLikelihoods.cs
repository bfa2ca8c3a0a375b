using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Prediction;

/// <summary>
/// The likelihood of leads as they are being routed (a routing rule's <c>minLikelihood</c>): computed by the active model
/// from the leads as they stand in this unit of work — their facts, their stored behaviour events and the ones about to be
/// written with them — at the moment they became MQLs, so a lead that comes in and raises its hand in one request is
/// judged on that hand-raise too. No active model: no likelihoods, and no lead meets a minimum.
/// </summary>
public static class RoutingLikelihoods
{
    public static async Task<Dictionary<Guid, double>> OfAsync(LeadgateDbContext db, Guid organisationId, IReadOnlyList<Lead> leads, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var likelihoods = new Dictionary<Guid, double>();
        if (leads.Count == 0 || await LeadLikelihoods.ActiveAsync(db, organisationId, cancellationToken) is not { } active)
        {
            return likelihoods;
        }

        var model = await LeadLikelihoods.ModelAsync(db, active.Id, cancellationToken);
        Guid[] ids = [.. leads.Select(l => l.Id)];
        var stored = await db.BehaviourEvents.AsNoTracking()
            .Where(e => EF.Parameter(ids).Contains(e.LeadId))
            .Select(e => new { e.Id, e.LeadId, e.Type, e.OccurredAt })
            .ToListAsync(cancellationToken);
        var pending = db.ChangeTracker.Entries<BehaviourEvent>()
            .Where(e => e.State == EntityState.Added && ids.Contains(e.Entity.LeadId))
            .Select(e => new { e.Entity.Id, e.Entity.LeadId, e.Entity.Type, e.Entity.OccurredAt });
        var events = stored.Concat(pending).DistinctBy(e => e.Id).ToLookup(e => e.LeadId, e => (e.Type, e.OccurredAt));
        var imported = (await db.StageEvents.AsNoTracking()
                .Where(e => EF.Parameter(ids).Contains(e.LeadId) && e.From == null && e.ActorKind == ActorKind.Import)
                .Select(e => e.LeadId)
                .ToListAsync(cancellationToken))
            .Concat(db.ChangeTracker.Entries<StageEvent>()
                .Where(e => e.State == EntityState.Added && e.Entity.From == null && e.Entity.ActorKind == ActorKind.Import)
                .Select(e => e.Entity.LeadId))
            .ToHashSet();
        var missingContacts = leads.Where(l => l.Contact is null).Select(l => l.ContactId).ToArray();
        var contacts = missingContacts.Length == 0 ? [] : await db.Contacts.AsNoTracking()
            .Where(c => EF.Parameter(missingContacts).Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => (c.JobTitle, c.Email), cancellationToken);

        foreach (var lead in leads)
        {
            var (jobTitle, email) = lead.Contact is { } contact ? (contact.JobTitle, contact.Email) : contacts.GetValueOrDefault(lead.ContactId);
            var facts = new PredictionFacts(
                lead.Source, lead.Campaign, lead.Company?.Country, lead.Company?.Industry, lead.Company?.Employees, jobTitle, email ?? "",
                imported.Contains(lead.Id), lead.FitScore, [.. events[lead.Id]], lead.MqlAt ?? at)
            {
                Attributes = LeadAttributes.Read(lead.AttributesJson),
            };
            likelihoods[lead.Id] = model.Probability(LeadFeatures.ToExample(model.Encoder.Schema, facts, converted: false));
        }

        return likelihoods;
    }
}
