using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

/// <summary>A prospect of the agency that replied and waits to be handed over: who, the campaign, and what they said.</summary>
public sealed record WaitingReply(Guid LeadId, string Name, string Email, string? Company, string? Campaign, string? Reply, DateTimeOffset RepliedAt);

/// <summary>
/// The agency's handover queue: its own MQLs (prospects that replied) not handed over on any link yet, the latest reply
/// first, each with the text of its latest inbound e-mail (null when the outreach tool only announced the reply).
/// </summary>
public sealed class ListWaitingReplies(LeadgateDbContext db)
{
    public const int MaxLimit = 200;

    public async Task<IReadOnlyList<WaitingReply>> HandleAsync(Actor actor, int limit, CancellationToken cancellationToken)
    {
        var leads = await WaitingIn(db, actor.OrganisationId)
            .OrderByDescending(l => l.StageChangedAt).ThenByDescending(l => l.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .Select(l => new { l.Id, l.Contact.FirstName, l.Contact.LastName, l.Contact.Email, Company = l.Company == null ? null : l.Company.Name, l.Campaign, l.StageChangedAt })
            .ToListAsync(cancellationToken);
        Guid[] ids = [.. leads.Select(l => l.Id)];
        var replies = (await db.Activities.AsNoTracking()
                .Where(a => EF.Parameter(ids).Contains(a.LeadId) && a.Type == ActivityType.Email && a.Direction == Direction.Inbound)
                .Select(a => new { a.LeadId, a.Notes, a.OccurredAt })
                .ToListAsync(cancellationToken))
            .GroupBy(a => a.LeadId)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.OccurredAt)!);
        return [.. leads.Select(l =>
        {
            var reply = replies.GetValueOrDefault(l.Id);
            var name = $"{l.FirstName} {l.LastName}".Trim();
            return new WaitingReply(l.Id, name.Length == 0 ? l.Email : name, l.Email, l.Company, l.Campaign, reply?.Notes, reply?.OccurredAt ?? l.StageChangedAt);
        })];
    }

    /// <summary>The organisation's replies waiting: its MQLs not handed over on any link yet.</summary>
    internal static IQueryable<Lead> WaitingIn(LeadgateDbContext db, Guid organisationId) =>
        db.Leads.AsNoTracking()
            .Where(l => l.OrganisationId == organisationId && l.MergedIntoId == null && l.Stage == Stage.Mql)
            .Where(l => !db.AgencyHandovers.Any(h => h.AgencyOrganisationId == organisationId && h.AgencyLeadId == l.Id));
}

/// <summary>The names of the agency's own leads, for its results page (the handover list carries only their ids).</summary>
public sealed class NameAgencyLeads(LeadgateDbContext db)
{
    public async Task<IReadOnlyDictionary<Guid, string>> HandleAsync(IReadOnlyCollection<Guid> leadIds, Actor actor, CancellationToken cancellationToken)
    {
        Guid[] ids = [.. leadIds.Distinct()];
        var people = await db.Leads.AsNoTracking()
            .Where(l => l.OrganisationId == actor.OrganisationId && EF.Parameter(ids).Contains(l.Id))
            .Select(l => new { l.Id, l.Contact.FirstName, l.Contact.LastName, l.Contact.Email, Company = l.Company == null ? null : l.Company.Name })
            .ToListAsync(cancellationToken);
        return people.ToDictionary(p => p.Id, p =>
        {
            var name = $"{p.FirstName} {p.LastName}".Trim();
            return (name.Length == 0 ? p.Email : name) + (p.Company is { } company ? $" · {company}" : "");
        });
    }
}
