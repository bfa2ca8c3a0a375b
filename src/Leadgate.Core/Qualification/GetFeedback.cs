using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Qualification;

/// <summary>A note from the conversation with a sent-back lead, as marketing sees it.</summary>
public sealed record FeedbackNote(ActivityType Type, Direction Direction, ActivityOutcome? Outcome, string Notes, DateTimeOffset OccurredAt, string By);

/// <summary>One MQL that sales sent back: to Nurture (rejected) or out (Disqualified), why, and what the talks found.</summary>
public sealed record SentBackMql(
    Guid LeadId, string Name, string? Company, string? Source, string? Campaign, Stage To, string? Reason, string? Note, DateTimeOffset At, string By,
    Stage StageNow, DateOnly? RevisitOn, IReadOnlyList<FeedbackNote> Conversation);

/// <summary>How one source and campaign's MQLs fared with sales.</summary>
public sealed record SourceAcceptance(string? Source, string? Campaign, int Mqls, int Accepted, int Rejected, int Disqualified, int Open)
{
    /// <summary>Accepted of those sales decided on, 0–1; null while none is decided.</summary>
    public decimal? AcceptanceRate => Accepted + Rejected + Disqualified is var decided and > 0 ? Math.Round((decimal)Accepted / decided, 3) : null;
}

public sealed record Feedback(IReadOnlyList<SentBackMql> SentBack, IReadOnlyList<SourceAcceptance> BySource);

/// <summary>
/// Marketing's feedback from sales: every MQL sent back, newest first, with its reason, the rejection note and the notes
/// of the activities logged while it was an MQL (the conversation sales had with the person), and per source and
/// campaign how many of its MQLs sales accepted, sent back or disqualified. Every member may read it.
/// </summary>
public sealed class GetFeedback(LeadgateDbContext db)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public async Task<Feedback> HandleAsync(Actor actor, DateOnly? from, DateOnly? to, int limit, CancellationToken cancellationToken)
    {
        var org = actor.OrganisationId;
        var since = from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MinValue;
        var until = to is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MaxValue;
        var sentBackEvents = db.StageEvents.AsNoTracking()
            .Where(e => e.OrganisationId == org && e.From == Stage.Mql && (e.To == Stage.Nurture || e.To == Stage.Disqualified));
        if (from is not null)
        {
            sentBackEvents = sentBackEvents.Where(e => e.At >= since);
        }

        if (to is not null)
        {
            sentBackEvents = sentBackEvents.Where(e => e.At < until);
        }

        var rows = await (
                from e in sentBackEvents
                join lead in db.Leads on e.LeadId equals lead.Id
                orderby e.Id descending
                select new
                {
                    e.LeadId, lead.Contact.FirstName, lead.Contact.LastName, lead.Contact.Email, Company = lead.Company!.Name, lead.Source, lead.Campaign,
                    e.To, e.Reason, e.Note, e.At, e.ActorName, lead.Stage, lead.RevisitOn,
                })
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .ToListAsync(cancellationToken);

        // The conversation of each: what was logged between its last becoming MQL and being sent back.
        var ids = rows.Select(r => r.LeadId).Distinct().ToList();
        var mqlSince = (await db.StageEvents.AsNoTracking()
                .Where(e => ids.Contains(e.LeadId) && e.To == Stage.Mql)
                .Select(e => new { e.LeadId, e.At })
                .ToListAsync(cancellationToken))
            .ToLookup(e => e.LeadId, e => e.At);
        var activities = (await db.Activities.AsNoTracking()
                .Where(a => ids.Contains(a.LeadId) && a.Notes != null)
                .Select(a => new { a.LeadId, Note = new FeedbackNote(a.Type, a.Direction, a.Outcome, a.Notes!, a.OccurredAt, a.ActorName) })
                .ToListAsync(cancellationToken))
            .ToLookup(a => a.LeadId, a => a.Note);
        var sentBack = rows.Select(r =>
        {
            var becameMql = mqlSince[r.LeadId].Where(at => at <= r.At).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
            var conversation = activities[r.LeadId].Where(n => n.OccurredAt >= becameMql && n.OccurredAt <= r.At).OrderBy(n => n.OccurredAt).ToList();
            return new SentBackMql(
                r.LeadId, Contact.NameOf(r.FirstName, r.LastName, r.Email), r.Company, r.Source, r.Campaign, r.To, r.Reason, r.Note, r.At, r.ActorName,
                r.Stage, r.Stage == Stage.Nurture ? r.RevisitOn : null, conversation);
        }).ToList();

        return new Feedback(sentBack, await BySourceAsync(org, from is null ? null : since, to is null ? null : until, cancellationToken));
    }

    /// <summary>Per source and campaign, of the leads that became MQL (in the period, when one is given): what sales made of them.</summary>
    private async Task<IReadOnlyList<SourceAcceptance>> BySourceAsync(Guid org, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var mqlEvents = db.StageEvents.AsNoTracking().Where(e => e.OrganisationId == org && e.To == Stage.Mql);
        if (since is { } s)
        {
            mqlEvents = mqlEvents.Where(e => e.At >= s);
        }

        if (until is { } u)
        {
            mqlEvents = mqlEvents.Where(e => e.At < u);
        }

        var mqlLeads = mqlEvents.Select(e => e.LeadId).Distinct();
        var leads = await db.Leads.AsNoTracking()
            .Where(l => l.OrganisationId == org && mqlLeads.Contains(l.Id))
            .GroupBy(l => new { l.Source, l.Campaign })
            .Select(g => new
            {
                g.Key.Source,
                g.Key.Campaign,
                Mqls = g.Count(),
                Accepted = g.Count(l => l.HighestStage == Stage.Sql || l.HighestStage == Stage.Opportunity || l.HighestStage == Stage.Customer),
                Open = g.Count(l => l.Stage == Stage.Mql),
            })
            .ToListAsync(cancellationToken);
        var outcomes = await (
                from e in db.StageEvents.AsNoTracking()
                where e.OrganisationId == org && e.From == Stage.Mql && (e.To == Stage.Nurture || e.To == Stage.Disqualified) && mqlLeads.Contains(e.LeadId)
                join l in db.Leads on e.LeadId equals l.Id
                group e by new { l.Source, l.Campaign, e.To } into g
                select new { g.Key.Source, g.Key.Campaign, g.Key.To, Leads = g.Select(e => e.LeadId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        int Count(string? source, string? campaign, Stage to) =>
            outcomes.Where(o => o.Source == source && o.Campaign == campaign && o.To == to).Sum(o => o.Leads);
        return leads
            .Select(l => new SourceAcceptance(l.Source, l.Campaign, l.Mqls, l.Accepted, Count(l.Source, l.Campaign, Stage.Nurture), Count(l.Source, l.Campaign, Stage.Disqualified), l.Open))
            .OrderByDescending(l => l.Mqls).ThenBy(l => l.Source).ThenBy(l => l.Campaign)
            .ToList();
    }
}
