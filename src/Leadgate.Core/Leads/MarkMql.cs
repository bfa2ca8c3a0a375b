using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;

namespace Leadgate.Leads;

public sealed record MarkMqlRequest
{
    /// <summary>Why marketing judges this lead qualified: recorded as the stage event's reason.</summary>
    [Required]
    [MaxLength(200)]
    public string? Reason { get; set; }
}

/// <summary>Marketing hands a lead to sales by hand (Iql → Mql, or Nurture → Mql after its revisit date).</summary>
public sealed class MarkMql(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, MarkMqlRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Reason?.Trim().Length > 200)
        {
            return Invalid.Field("reason", "At most 200 characters.");
        }

        return await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            lead => Task.FromResult(lead.MarkMql(request.Reason, actor, clock.GetUtcNow())),
            cancellationToken);
    }
}
