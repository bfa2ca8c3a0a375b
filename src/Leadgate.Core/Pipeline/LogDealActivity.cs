using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

/// <summary>An activity on the deal: logged as it happened (as on leads), or, with <see cref="DueAt"/>, scheduled for later.</summary>
public sealed record LogDealActivityRequest
{
    [Required]
    public ActivityType? Type { get; set; }

    public Direction? Direction { get; set; }

    public ActivityOutcome? Outcome { get; set; }

    [MaxLength(Activity.MaxNotesLength)]
    public string? Notes { get; set; }

    /// <summary>When a logged activity happened; now when left out.</summary>
    public DateTimeOffset? OccurredAt { get; set; }

    /// <summary>When a scheduled activity is due; it keeps the deal warm until then.</summary>
    public DateTimeOffset? DueAt { get; set; }
}

/// <summary>How a scheduled activity went, when it is marked done.</summary>
public sealed record CompleteDealActivityRequest
{
    public Direction? Direction { get; set; }

    public ActivityOutcome? Outcome { get; set; }

    [MaxLength(Activity.MaxNotesLength)]
    public string? Notes { get; set; }
}

public sealed record DealActivityView(Guid Id, bool Scheduled, DateTimeOffset? DueAt, DealView Deal);

/// <summary>Logs an activity with the deal's lead (a touch: it warms the deal) or schedules one on the deal.</summary>
public sealed class LogDealActivity(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<DealActivityView>> HandleAsync(Guid dealId, LogDealActivityRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return new Forbidden("Only sales users and managers log activities on deals.");
        }

        if (request.Type is not { } type || !Enum.IsDefined(type))
        {
            return Invalid.Field("type", "The type is required: Call, Email, Meeting or Note.");
        }

        var now = clock.GetUtcNow();
        Guid? id = null;
        var result = await db.ChangeDealAsync(
            dealId, actor, null, clock,
            (deal, lead, _) =>
            {
                if (deal.Status != DealStatus.Open && request.DueAt is not null)
                {
                    return new Conflict("deal-closed", $"The deal is {deal.Status}; nothing is scheduled on a closed deal.");
                }

                if (request.DueAt is { } dueAt)
                {
                    var scheduled = ScheduledActivity.Create(deal, type, request.Notes, dueAt, actor, now);
                    if (scheduled.Error is { } invalid)
                    {
                        return invalid;
                    }

                    db.ScheduledActivities.Add(scheduled.Value);
                    id = scheduled.Value.Id;
                    return Done.Value;
                }

                var logged = lead.Log(type, request.Direction ?? Direction.Outbound, request.Outcome, request.Notes, request.OccurredAt, actor, now);
                id = logged.IsSuccess ? logged.Value.Id : null;
                return logged.Map(_ => Done.Value);
            },
            cancellationToken);
        return result.Map(deal => new DealActivityView(id!.Value, request.DueAt is not null, request.DueAt, deal));
    }
}

/// <summary>Marks a scheduled activity done: it is logged as the activity it was, which touches the deal.</summary>
public sealed class CompleteDealActivity(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<DealView>> HandleAsync(Guid dealId, Guid activityId, CompleteDealActivityRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return new Forbidden("Only sales users and managers log activities on deals.");
        }

        var scheduled = await db.ScheduledActivities.FirstOrDefaultAsync(
            s => s.Id == activityId && s.DealId == dealId && s.OrganisationId == actor.OrganisationId, cancellationToken);
        if (scheduled is null)
        {
            var dealExists = await db.Deals.AnyAsync(d => d.Id == dealId && d.OrganisationId == actor.OrganisationId, cancellationToken);
            return dealExists ? new NotFound("Activity", activityId) : new NotFound("Deal", dealId);
        }

        var now = clock.GetUtcNow();
        return await db.ChangeDealAsync(
            dealId, actor, null, clock,
            (_, lead, _) =>
            {
                var logged = lead.Log(scheduled.Type, request.Direction ?? Direction.Outbound, request.Outcome, request.Notes ?? scheduled.Notes, now, actor, now);
                return logged.Error is { } invalid ? invalid : scheduled.MarkDone(logged.Value, now);
            },
            cancellationToken);
    }
}
