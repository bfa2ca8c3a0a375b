using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;

namespace Leadgate.Qualification;

public sealed record RejectLeadRequest
{
    /// <summary>A code from the organisation's rejection reasons, such as NotReadyToBuy.</summary>
    [Required]
    [MaxLength(50)]
    public string? Reason { get; set; }

    [MaxLength(2000)]
    public string? Note { get; set; }

    /// <summary>When marketing may qualify the lead again.</summary>
    public DateOnly? RevisitOn { get; set; }
}

/// <summary>Sales sends an MQL back to marketing (Nurture) with a reason marketing can learn from.</summary>
public sealed class RejectLead(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, RejectLeadRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // In the future for the user: after today in their zone, which may still be yesterday in UTC (CalendarToday).
        if (request.RevisitOn is { } revisit && revisit <= CalendarToday.Earliest(now))
        {
            return Invalid.Field("revisitOn", "The revisit date must be in the future.");
        }

        if (request.Note?.Length > 2000)
        {
            return Invalid.Field("note", "At most 2000 characters.");
        }

        var reason = await ListReasons.FindAsync(db, actor.OrganisationId, ReasonKind.Rejection, request.Reason, cancellationToken);
        if (reason.Error is { } invalid)
        {
            return invalid;
        }

        return await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            lead => Task.FromResult(lead.Reject(reason.Value, request.Note, request.RevisitOn, actor, now)),
            cancellationToken);
    }
}
