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

    /// <summary>The likelihood (0–1) stored for the lists by the organisation's active model; null without one (see prediction.md).</summary>
    public double? Likelihood { get; init; }
}

/// <summary>How the inbox is ordered.</summary>
public enum InboxSort
{
    /// <summary>
    /// The running response clocks' due time, the soonest (the most overdue) first; then the leads whose clock stopped at a first
    /// touch, by due time; leads without a clock last; then fit and engagement.
    /// </summary>
    Due,

    /// <summary>The likelihood by the active model, highest first (leads without one last), then the due time.</summary>
    Likelihood,
}

/// <summary>The sales inbox: the caller's open MQLs and the shared queue, each most urgent first.</summary>
public sealed record Inbox(IReadOnlyList<InboxItem> Mine, IReadOnlyList<InboxItem> Shared, DateTimeOffset At);

/// <summary>
/// What a sales rep works on: their MQLs and the unowned ones to claim, ordered by the response clock's due time (the
/// soonest first, leads without a clock last), then by fit and engagement; or by likelihood, and only those at least as
/// likely as asked.
/// </summary>
public sealed class GetInbox(LeadgateDbContext db, TimeProvider clock)
{
    public const int MaxLimit = 500;

    public async Task<Result<Inbox>> HandleAsync(Actor actor, int limit, InboxSort sort, double? minLikelihood, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Invalid.Field("limit", $"Between 1 and {MaxLimit}.");
        }

        if (!Enum.IsDefined(sort))
        {
            return Invalid.Field("sort", "Due or Likelihood.");
        }

        if (minLikelihood is < 0 or > 1 || (minLikelihood is { } m && !double.IsFinite(m)))
        {
            return Invalid.Field("minLikelihood", "Between 0 and 1.");
        }

        var me = actor.UserId;
        var mine = me is null ? [] : await ItemsAsync(actor.OrganisationId, l => l.OwnerId == me, limit, sort, minLikelihood, cancellationToken);
        var shared = await ItemsAsync(actor.OrganisationId, l => l.OwnerId == null, limit, sort, minLikelihood, cancellationToken);
        return new Inbox(mine, shared, clock.GetUtcNow());
    }

    private async Task<List<InboxItem>> ItemsAsync(
        Guid organisationId, System.Linq.Expressions.Expression<Func<Lead, bool>> whose, int limit, InboxSort sort, double? minLikelihood, CancellationToken cancellationToken)
    {
        var leads =
            from l in db.Leads.AsNoTracking().Where(whose)
            join h in db.Handovers.Where(h => h.EndedAt == null) on l.Id equals h.LeadId into open
            from h in open.DefaultIfEmpty()
            join k in db.LeadLikelihoods on l.Id equals k.LeadId into likelihoods
            from k in likelihoods.DefaultIfEmpty()
            where l.OrganisationId == organisationId && l.Stage == Stage.Mql
            select new { l, h, k };
        if (minLikelihood is { } minimum)
        {
            leads = leads.Where(x => x.k != null && x.k.Probability >= minimum);
        }

        var ordered = sort == InboxSort.Likelihood
            ? leads.OrderBy(x => x.k == null ? 1 : 0).ThenByDescending(x => x.k!.Probability)
                .ThenBy(x => x.h == null || x.h.SlaDueAt == null ? 1 : 0).ThenBy(x => x.h!.SlaDueAt).ThenBy(x => x.l.Id)
            : leads.OrderBy(x => x.h == null || x.h.SlaDueAt == null ? 2 : x.h.FirstTouchAt != null ? 1 : 0).ThenBy(x => x.h!.SlaDueAt)
                .ThenByDescending(x => x.l.FitScore ?? -1).ThenByDescending(x => x.l.EngagementScore).ThenBy(x => x.l.Id);
        var rows = await (
                from x in ordered
                let l = x.l
                let h = x.h
                select new InboxItem(
                    l.Id, l.Contact.Email, l.Contact.FirstName, l.Contact.LastName,
                    l.Company == null ? null : l.Company.Name, l.Source, l.Campaign, l.WorkStatus,
                    l.FitScore, l.EngagementScore, l.OwnerId, l.MqlAt,
                    h == null ? null : h.AssignedAt,
                    h == null ? null : h.SlaDueAt,
                    h == null ? null : h.FirstTouchAt,
                    h != null && h.BreachedAt != null,
                    l.Version)
                {
                    Likelihood = x.k == null ? null : x.k.Probability,
                })
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows;
    }
}
