using System.Globalization;
using System.Linq.Expressions;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record ListDealsRequest
{
    public Guid? PipelineId { get; init; }

    /// <summary>A stage by name, as the organisation calls it.</summary>
    public string? Stage { get; init; }

    public Guid? OwnerId { get; init; }

    public DealStatus? Status { get; init; }

    /// <summary>Only open deals that are stale (true).</summary>
    public bool? Stale { get; init; }

    /// <summary>The expected close month, YYYY-MM.</summary>
    public string? CloseMonth { get; init; }

    public string? Cursor { get; init; }

    public int Limit { get; init; } = 50;
}

public sealed record DealSummary(
    Guid Id, Guid LeadId, string Title, decimal Value, string Currency, DateOnly ExpectedCloseDate, DealStatus Status,
    Guid? OwnerId, Guid PipelineId, Guid StageId, string Stage, int Probability, ProbabilitySource ProbabilitySource,
    ForecastCategory ForecastCategory, NextStepView? NextStep, bool Stale, DateTimeOffset LastTouchAt, DateTimeOffset CreatedAt, long Version);

public sealed record DealPage(IReadOnlyList<DealSummary> Items, string? NextCursor);

/// <summary>The organisation's deals, newest first, filtered, one page at a time (a keyset cursor, as on leads).</summary>
public sealed class ListDeals(LeadgateDbContext db, TimeProvider clock)
{
    public const int MaxLimit = 200;

    public async Task<Result<DealPage>> HandleAsync(ListDealsRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Limit is < 1 or > MaxLimit)
        {
            return Invalid.Field("limit", $"Between 1 and {MaxLimit}.");
        }

        if (request.Status is { } status && !Enum.IsDefined(status))
        {
            return Invalid.Field("status", "Open, Won or Lost.");
        }

        DateOnly? monthStart = null;
        if (request.CloseMonth is { } month)
        {
            if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) || !CalendarBounds.Holds(start))
            {
                return Invalid.Field("closeMonth", "A month as YYYY-MM from 1900-01 to 9998-12, such as 2027-03.");
            }

            monthStart = start;
        }

        var now = clock.GetUtcNow();
        var pipelines = await Pipelines.ReadAsync(db, actor.OrganisationId, now, cancellationToken);
        var stages = pipelines.SelectMany(p => p.Stages.Select(s => (Pipeline: p, Stage: s))).ToList();
        var query = db.Deals.AsNoTracking().Where(d => d.OrganisationId == actor.OrganisationId);
        if (request.PipelineId is { } pipelineId)
        {
            if (pipelines.All(p => p.Id != pipelineId))
            {
                return Invalid.Field("pipelineId", "Not a pipeline of this organisation.");
            }

            query = query.Where(d => d.PipelineId == pipelineId);
        }

        if (request.Stage is { } stageName)
        {
            var ids = stages.Where(s => (request.PipelineId is null || s.Pipeline.Id == request.PipelineId)
                && string.Equals(s.Stage.Name, stageName.Trim(), StringComparison.OrdinalIgnoreCase)).Select(s => (Guid?)s.Stage.Id).ToList();
            if (ids.Count == 0)
            {
                return Invalid.Field("stage", $"No stage is called '{(stageName.Length > 100 ? stageName[..100] : stageName)}'; use one of {string.Join(", ", stages.Select(s => s.Stage.Name).Distinct())}.");
            }

            query = query.Where(d => ids.Contains(d.StageId));
        }

        if (request.OwnerId is { } owner)
        {
            query = query.Where(d => d.OwnerId == owner);
        }

        if (request.Status is { } wanted)
        {
            query = query.Where(d => d.Status == wanted);
        }

        if (monthStart is { } first)
        {
            var next = first.AddMonths(1);
            query = query.Where(d => d.ExpectedCloseDate >= first && d.ExpectedCloseDate < next);
        }

        if (request.Stale == true)
        {
            query = query.Where(StaleWhere(db, stages.Select(s => s.Stage), now));
        }

        if (request.Cursor is not null)
        {
            if (!KeysetCursor.TryRead(request.Cursor, out var createdAt, out var afterId))
            {
                return Invalid.Field("cursor", "This cursor was not issued by this list.");
            }

            query = query.Where(d => d.CreatedAt < createdAt || (d.CreatedAt == createdAt && d.Id.CompareTo(afterId) < 0));
        }

        // The page's deals first, then their leads by key: a First() in the projection made EF number every lead of the
        // organisation (ROW_NUMBER over all of them) on each read.
        var rows = await query
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Take(request.Limit + 1)
            .Join(db.Leads, d => d.LeadId, l => l.Id, (d, l) => new
            {
                Deal = d,
                Lead = new { l.Stage, l.LastActivityAt },
                WarmByPlan = db.ScheduledActivities.Any(s => s.DealId == d.Id && s.DoneAt == null && s.DueAt > now),
            })
            .OrderByDescending(r => r.Deal.CreatedAt).ThenByDescending(r => r.Deal.Id)
            .ToListAsync(cancellationToken);
        var hasMore = rows.Count > request.Limit;
        var items = rows.Take(request.Limit).Select(r =>
        {
            return SummaryOf(GetDeal.View(r.Deal, r.Lead.Stage, r.Lead.LastActivityAt, r.WarmByPlan, pipelines, now));
        }).ToList();
        var nextCursor = hasMore ? KeysetCursor.Write(items[^1].CreatedAt, items[^1].Id) : null;
        return new DealPage(items, nextCursor);
    }

    internal static DealSummary SummaryOf(DealView v) => new(
        v.Id, v.LeadId, v.Title, v.Value, v.Currency, v.ExpectedCloseDate, v.Status, v.OwnerId, v.PipelineId, v.StageId, v.Stage,
        v.Probability, v.ProbabilitySource, v.ForecastCategory, v.NextStep, v.Stale, v.LastTouchAt, v.CreatedAt, v.Version);

    /// <summary>
    /// Open deals whose last touch (the lead's last activity, else the deal's opening) is older than their stage allows and
    /// that have no undone activity scheduled ahead: one condition per stage with a limit, each with its own threshold, ORed,
    /// so the database does the filtering.
    /// </summary>
    internal static Expression<Func<Deal, bool>> StaleWhere(LeadgateDbContext db, IEnumerable<PipelineStage> stages, DateTimeOffset now)
    {
        var deal = Expression.Parameter(typeof(Deal), "d");
        Expression? any = null;
        foreach (var stage in stages.Where(s => s.StaleAfterDays > 0))
        {
            var stageId = (Guid?)stage.Id;
            var threshold = now.AddDays(-stage.StaleAfterDays);
            Expression<Func<Deal, bool>> one = d => d.Status == DealStatus.Open && d.StageId == stageId
                && (db.Leads.Where(l => l.Id == d.LeadId).Select(l => l.LastActivityAt).FirstOrDefault() ?? d.CreatedAt) < threshold
                && !db.ScheduledActivities.Any(s => s.DealId == d.Id && s.DoneAt == null && s.DueAt > now);
            var body = new Rebind(one.Parameters[0], deal).Visit(one.Body);
            any = any is null ? body : Expression.OrElse(any, body);
        }

        return Expression.Lambda<Func<Deal, bool>>(any ?? Expression.Constant(false), deal);
    }

    /// <summary>Either condition, as one expression the database evaluates.</summary>
    internal static Expression<Func<Deal, bool>> Or(Expression<Func<Deal, bool>> left, Expression<Func<Deal, bool>> right)
    {
        var deal = left.Parameters[0];
        return Expression.Lambda<Func<Deal, bool>>(Expression.OrElse(left.Body, new Rebind(right.Parameters[0], deal).Visit(right.Body)), deal);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
