using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record NextStepView(string Text, DateOnly? DueOn);

public sealed record ScheduledActivityView(Guid Id, Qualification.ActivityType Type, string? Notes, DateTimeOffset DueAt, DateTimeOffset? DoneAt, Guid? ActivityId, string By);

public sealed record StakeholderView(Guid Id, Guid ContactId, string Email, string Name, StakeholderRole Role);

public sealed record DealView(
    Guid Id,
    Guid LeadId,
    string Title,
    decimal Value,
    string Currency,
    DateOnly ExpectedCloseDate,
    decimal? ProposalAmount,
    DateTimeOffset? ProposedAt,
    DealStatus Status,
    decimal? WonAmount,
    DateOnly? ClosedOn,
    string? LostReason,
    string? LostNote,
    Guid? OwnerId,
    Stage LeadStage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public Guid PipelineId { get; init; }

    public Guid StageId { get; init; }

    /// <summary>The pipeline stage's name.</summary>
    public string Stage { get; init; } = "";

    public StageMeaning StageMeaning { get; init; }

    /// <summary>Percent, 0–100: the rep's own value, or the stage's default.</summary>
    public int Probability { get; init; }

    public ProbabilitySource ProbabilitySource { get; init; }

    public ForecastCategory ForecastCategory { get; init; }

    public NextStepView? NextStep { get; init; }

    /// <summary>Who a lost deal went to, when the rep knew.</summary>
    public string? Competitor { get; init; }

    /// <summary>Which proposal is on the table: its number or a link.</summary>
    public string? ProposalReference { get; init; }

    public IReadOnlyList<StakeholderView> Stakeholders { get; init; } = [];

    /// <summary>Activities planned on the deal, by due time, done or not.</summary>
    public IReadOnlyList<ScheduledActivityView> Scheduled { get; init; } = [];

    /// <summary>Objections the buyer raised, oldest first, answered or not.</summary>
    public IReadOnlyList<ObjectionView> Objections { get; init; } = [];

    /// <summary>Open and untouched for longer than its stage allows.</summary>
    public bool Stale { get; init; }

    /// <summary>The last logged activity with the deal's lead (a call, e-mail, meeting or note); the deal's opening when there is none.</summary>
    public DateTimeOffset LastTouchAt { get; init; }
}

public sealed class GetDeal(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<DealView>> HandleAsync(Guid dealId, Actor actor, CancellationToken cancellationToken)
    {
        var row = await db.Deals.AsNoTracking()
            .Where(d => d.Id == dealId && d.OrganisationId == actor.OrganisationId)
            .Join(db.Leads, d => d.LeadId, l => l.Id, (d, l) => new { Deal = d, Lead = new { l.Stage, l.LastActivityAt } })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return new NotFound("Deal", dealId);
        }

        var stakeholders = await db.Stakeholders.AsNoTracking()
            .Where(s => s.DealId == dealId)
            .OrderBy(s => s.AddedAt)
            .Join(db.Contacts, s => s.ContactId, c => c.Id, (s, c) => new { s.Id, s.ContactId, c.Email, c.FirstName, c.LastName, s.Role })
            .ToListAsync(cancellationToken);
        var scheduled = await db.ScheduledActivities.AsNoTracking()
            .Where(s => s.DealId == dealId)
            .OrderBy(s => s.DueAt)
            .Select(s => new ScheduledActivityView(s.Id, s.Type, s.Notes, s.DueAt, s.DoneAt, s.ActivityId, s.ActorName))
            .ToListAsync(cancellationToken);
        var objections = await db.Objections.AsNoTracking()
            .Where(o => o.DealId == dealId)
            .OrderBy(o => o.RaisedAt)
            .Select(o => new ObjectionView(o.Id, o.Category, o.Text, o.RaisedAt, o.RaisedByName, o.AnsweredAt != null, o.Answer, o.AnsweredAt, o.AnsweredByName))
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var pipelines = await Pipelines.ReadAsync(db, actor.OrganisationId, now, cancellationToken);
        var warmByPlan = scheduled.Exists(s => s.DoneAt is null && s.DueAt > now);
        return View(row.Deal, row.Lead.Stage, row.Lead.LastActivityAt, warmByPlan, pipelines, now) with
        {
            Stakeholders = [.. stakeholders.Select(s => new StakeholderView(s.Id, s.ContactId, s.Email, Contact.NameOf(s.FirstName, s.LastName, s.Email), s.Role))],
            Scheduled = scheduled,
            Objections = objections,
        };
    }

    internal static DealView View(Deal d, Stage leadStage, DateTimeOffset? lastActivityAt, bool warmByPlan, IReadOnlyList<SalesPipeline> pipelines, DateTimeOffset now)
    {
        var (pipeline, stage) = StageOf(d, pipelines);
        var lastTouch = lastActivityAt is { } touched && touched > d.CreatedAt ? touched : d.CreatedAt;
        var placed = d.StageId is not null;
        return new DealView(
            d.Id, d.LeadId, d.Title, d.Value, d.Currency, d.ExpectedCloseDate, d.ProposalAmount, d.ProposedAt, d.Status,
            d.WonAmount, d.ClosedOn, d.LostReason, d.LostNote, d.OwnerId, leadStage, d.CreatedAt, d.UpdatedAt, d.Version)
        {
            PipelineId = pipeline.Id,
            StageId = stage.Id,
            Stage = stage.Name,
            StageMeaning = stage.Meaning,
            Probability = d.RepProbability ?? (placed ? d.StageProbability : stage.Probability),
            ProbabilitySource = d.ProbabilitySource,
            ForecastCategory = d.RepForecastCategory ?? (placed ? d.StageForecastCategory : stage.ForecastCategory),
            NextStep = d.NextStepText is { } text ? new NextStepView(text, d.NextStepDueOn) : null,
            ProposalReference = d.ProposalReference,
            Competitor = d.Competitor,
            LastTouchAt = lastTouch,
            Stale = !warmByPlan && Staleness.IsStale(d.Status, stage.StaleAfterDays, lastTouch, now),
        };
    }

    /// <summary>The deal's pipeline and stage; a deal opened before pipelines existed stands where it would be placed.</summary>
    internal static (SalesPipeline Pipeline, PipelineStage Stage) StageOf(Deal deal, IReadOnlyList<SalesPipeline> pipelines)
    {
        foreach (var pipeline in pipelines)
        {
            if (pipeline.Stages.FirstOrDefault(s => s.Id == deal.StageId) is { } stage)
            {
                return (pipeline, stage);
            }
        }

        var first = pipelines[0];
        return (first, Pipelines.PlacementOf(first, deal.Status, deal.ProposalAmount is not null));
    }
}

/// <summary>
/// Keep-warm: a deal is stale when its last touch is older than its stage allows, unless an activity is scheduled ahead
/// and not done (the caller checks that: it keeps the deal warm until its due time passes undone).
/// </summary>
public static class Staleness
{
    public static bool IsStale(DealStatus status, int staleAfterDays, DateTimeOffset lastTouchAt, DateTimeOffset now) =>
        status == DealStatus.Open && staleAfterDays > 0 && now - lastTouchAt > TimeSpan.FromDays(staleAfterDays);
}

internal static class DealChanges
{
    /// <summary>
    /// Loads a deal and its lead (checking If-Match on the deal), applies a change, keeps the deal's pipeline stage in step
    /// with what the lead's lifecycle now says (won, lost, a proposal recorded), appends the deal's history, announces a
    /// stage change, saves, and reads the deal back.
    /// </summary>
    public static async Task<Result<DealView>> ChangeDealAsync(
        this LeadgateDbContext db, Guid dealId, Actor actor, long? expectedVersion, TimeProvider clock,
        Func<Deal, Lead, IReadOnlyList<SalesPipeline>, Result<Done>> change, CancellationToken cancellationToken)
    {
        var deal = await db.Deals.Include(d => d.Stakeholders).FirstOrDefaultAsync(d => d.Id == dealId && d.OrganisationId == actor.OrganisationId, cancellationToken);
        if (deal is null)
        {
            return new NotFound("Deal", dealId);
        }

        if (Saving.CheckVersion(deal.Version, expectedVersion) is { } stale)
        {
            return stale;
        }

        var at = clock.GetUtcNow();
        var lead = await db.Leads.Include(l => l.Contact).Include(l => l.Company).FirstAsync(l => l.Id == deal.LeadId, cancellationToken);
        var pipelines = await Pipelines.LoadAsync(db, actor.OrganisationId, at, cancellationToken);
        if (Apply(deal, lead, pipelines, actor, at, change).Error is { } refused)
        {
            db.ChangeTracker.Clear();
            return refused;
        }

        var saved = await db.SaveAsync(expectedVersion, cancellationToken);
        return saved.Error is { } error ? error : await new GetDeal(db, clock).HandleAsync(dealId, actor, cancellationToken);
    }

    /// <summary>
    /// The change itself, in memory: applies it, keeps the deal's pipeline stage in step with the lead's lifecycle, announces
    /// a stage change and appends the deal's history. The use cases reach it through <see cref="ChangeDealAsync"/>; the
    /// demo plays its deals through it, so their history is written by the same rules.
    /// </summary>
    internal static Result<Done> Apply(
        Deal deal, Lead lead, IReadOnlyList<SalesPipeline> pipelines, Actor actor, DateTimeOffset at,
        Func<Deal, Lead, IReadOnlyList<SalesPipeline>, Result<Done>> change)
    {
        var before = deal.StageId is null ? null : DealChange.Of(deal, actor, at);
        var (pipeline, stageBefore) = GetDeal.StageOf(deal, pipelines);
        var leadStageBefore = lead.Stage;
        var changed = change(deal, lead, pipelines);
        if (changed.Error is { } refused)
        {
            return refused;
        }

        // A deal without a stage is placed; won, lost and a recorded proposal carry the deal to their stage.
        var (_, current) = GetDeal.StageOf(deal, pipelines);
        deal.EnterStage(current, pipeline.Id, at);
        PipelineStage? follow = deal.Status switch
        {
            DealStatus.Won when current.Meaning != StageMeaning.Won => pipeline.FirstWith(StageMeaning.Won),
            DealStatus.Lost when current.Meaning != StageMeaning.Lost => pipeline.FirstWith(StageMeaning.Lost),
            DealStatus.Open when leadStageBefore == Stage.Sql && lead.Stage == Stage.Opportunity && current.Meaning == StageMeaning.Sql => pipeline.FirstWith(StageMeaning.Opportunity),
            _ => null,
        };
        if (follow is not null)
        {
            deal.EnterStage(follow, pipeline.Id, at);
        }

        var stageAfter = pipeline.Stages.First(s => s.Id == deal.StageId);
        if (stageAfter.Id != stageBefore.Id)
        {
            lead.Announce(Happening.DealStageChanged(lead, deal.Id, stageBefore.Name, stageAfter.Name, at));
        }

        deal.Recorded(before, actor, at);
        return Done.Value;
    }
}
