using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;

namespace Leadgate.Qualification;

public sealed record DisqualifyLeadRequest
{
    /// <summary>A code from the organisation's disqualification reasons, such as NotRelevant.</summary>
    [Required]
    [MaxLength(50)]
    public string? Reason { get; set; }

    [MaxLength(2000)]
    public string? Note { get; set; }
}

/// <summary>Takes a lead out of the active funnel (kept for statistics) with a reason.</summary>
public sealed class DisqualifyLead(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, DisqualifyLeadRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Note?.Length > 2000)
        {
            return Invalid.Field("note", "At most 2000 characters.");
        }

        var reason = await ListReasons.FindAsync(db, actor.OrganisationId, ReasonKind.Disqualification, request.Reason, cancellationToken);
        if (reason.Error is { } invalid)
        {
            return invalid;
        }

        return await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            lead => Task.FromResult(lead.Disqualify(reason.Value, request.Note, actor, clock.GetUtcNow())),
            cancellationToken);
    }
}
