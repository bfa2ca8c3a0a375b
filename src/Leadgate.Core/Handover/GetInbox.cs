using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Handover;

public sealed record InboxItem(
    Guid Id,
    string Email,
    string? FirstName,
    string? LastName,
    string? CompanyName,
    string? Source,
    string? Campaign,
    WorkStatus WorkStatus,
    decimal? FitScore,
    decimal EngagementScore,
    Guid? OwnerId,
    DateTimeOffset? MqlAt,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? SlaDueAt,
    DateTimeOffset? FirstTouchAt,
    bool Breached,
    long Version)
{
    public string FullName => string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));
}

/// <summary>The sales inbox: the caller's open MQLs and the shared queue, each most urgent first.</summary>
public sealed record Inbox(IReadOnlyList<InboxItem> Mine, IReadOnlyList<InboxItem> Shared, DateTimeOffset At);

/// <summary>
/// What a sales rep works on: their MQLs and the unowned ones to claim, ordered by the response clock's due time (the
/// soonest first, leads without a clock last), then by fit and engagement.
/// </summary>
public sealed class GetInbox(LeadgateDbContext db, TimeProvider clock)
{
    public const int MaxLimit = 500;

    public async Task<Result<Inbox>> HandleAsync(Actor actor, int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Invalid.Field("limit", $"Between 1 and {MaxLimit}.");
        }

        var me = actor.UserId;
        var mine = me is null ? [] : await ItemsAsync(actor.OrganisationId, l => l.OwnerId == me, limit, cancellationToken);
        var shared = await ItemsAsync(actor.OrganisationId, l => l.OwnerId == null, limit, cancellationToken);
        return new Inbox(mine, shared, clock.GetUtcNow());
    }

    private async Task<List<InboxItem>> ItemsAsync(Guid organisationId, System.Linq.Expressions.Expression<Func<Lead, bool>> whose, int limit, CancellationToken cancellationToken)
    {
        var rows = await (
                from l in db.Leads.AsNoTracking().Where(whose)
                join h in db.Handovers.Where(h => h.EndedAt == null) on l.Id equals h.LeadId into open
                from h in open.DefaultIfEmpty()
                where l.OrganisationId == organisationId && l.Stage == Stage.Mql
                orderby (h == null || h.SlaDueAt == null ? 1 : 0), h!.SlaDueAt, (l.FitScore ?? -1) descending, l.EngagementScore descending, l.Id
                select new InboxItem(
                    l.Id, l.Contact.Email, l.Contact.FirstName, l.Contact.LastName,
                    l.Company == null ? null : l.Company.Name, l.Source, l.Campaign, l.WorkStatus,
                    l.FitScore, l.EngagementScore, l.OwnerId, l.MqlAt,
                    h == null ? null : h.AssignedAt,
                    h == null ? null : h.SlaDueAt,
                    h == null ? null : h.FirstTouchAt,
                    h != null && h.BreachedAt != null,
                    l.Version))
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows;
    }
}
