using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;

namespace Leadgate.Qualification;

public sealed record LogActivityRequest
{
    [Required]
    public ActivityType? Type { get; set; }

    public Direction? Direction { get; set; }

    public ActivityOutcome? Outcome { get; set; }

    [MaxLength(Activity.MaxNotesLength)]
    public string? Notes { get; set; }

    /// <summary>When it happened; now when left out.</summary>
    public DateTimeOffset? OccurredAt { get; set; }
}

public sealed record LoggedActivity(ActivityView Activity, LeadDetails Lead);

/// <summary>Logs a call, e-mail, meeting or note on a lead; inside Mql it moves the work status.</summary>
public sealed class LogActivity(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<LoggedActivity>> HandleAsync(Guid leadId, LogActivityRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Type is not { } type)
        {
            return Invalid.Field("type", "The type is required: Call, Email, Meeting or Note.");
        }

        Activity? logged = null;
        var result = await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            lead =>
            {
                var activity = lead.Log(type, request.Direction ?? Direction.Outbound, request.Outcome, request.Notes, request.OccurredAt, actor, clock.GetUtcNow());
                logged = activity.IsSuccess ? activity.Value : null;
                return Task.FromResult(activity.Map(_ => Done.Value));
            },
            cancellationToken);
        return result.Map(lead => new LoggedActivity(lead.Activities.First(a => a.Id == logged!.Id), lead));
    }
}
