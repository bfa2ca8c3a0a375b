using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;

namespace Leadgate.Qualification;

public sealed record BantDimensionInput
{
    public BantStatus? Status { get; set; }

    [MaxLength(2000)]
    public string? Note { get; set; }
}

public sealed record BudgetInput
{
    public BantStatus? Status { get; set; }

    [MaxLength(2000)]
    public string? Note { get; set; }

    [Range(0, 1_000_000_000_000)]
    public decimal? Amount { get; set; }
}

public sealed record AuthorityInput
{
    public BantStatus? Status { get; set; }

    [MaxLength(2000)]
    public string? Note { get; set; }

    /// <summary>The decision maker's name.</summary>
    [MaxLength(200)]
    public string? Name { get; set; }

    /// <summary>The decision maker's role.</summary>
    [MaxLength(200)]
    public string? Role { get; set; }
}

public sealed record TimelineInput
{
    public BantStatus? Status { get; set; }

    [MaxLength(2000)]
    public string? Note { get; set; }

    /// <summary>The date by which they buy.</summary>
    public DateOnly? Date { get; set; }
}

/// <summary>The whole BANT checklist; a dimension left out is Unknown.</summary>
public sealed record RecordBantRequest
{
    public BudgetInput? Budget { get; set; }

    public AuthorityInput? Authority { get; set; }

    public BantDimensionInput? Need { get; set; }

    public TimelineInput? Timeline { get; set; }

    internal Result<Bant> ToBant()
    {
        var fields = new LeadFields();
        var budgetNote = fields.Text(Budget?.Note, "budget.note", 2000);
        var authorityNote = fields.Text(Authority?.Note, "authority.note", 2000);
        var authorityName = fields.Text(Authority?.Name, "authority.name", 200);
        var authorityRole = fields.Text(Authority?.Role, "authority.role", 200);
        var needNote = fields.Text(Need?.Note, "need.note", 2000);
        var timelineNote = fields.Text(Timeline?.Note, "timeline.note", 2000);
        if (Budget?.Amount is < 0 or > 1_000_000_000_000m)
        {
            fields.Errors["budget.amount"] = ["Between 0 and 1,000,000,000,000."];
        }

        if (fields.ToError() is { } invalid)
        {
            return invalid;
        }

        return new Bant(
            new BudgetAssessment(Budget?.Status ?? BantStatus.Unknown, budgetNote, Budget?.Amount),
            new AuthorityAssessment(Authority?.Status ?? BantStatus.Unknown, authorityNote, authorityName, authorityRole),
            new NeedAssessment(Need?.Status ?? BantStatus.Unknown, needNote),
            new TimelineAssessment(Timeline?.Status ?? BantStatus.Unknown, timelineNote, Timeline?.Date));
    }
}

/// <summary>A sales user records what the conversation established about Budget, Authority, Need and Timeline.</summary>
public sealed class RecordBant(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, RecordBantRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var bant = request.ToBant();
        if (bant.Error is { } invalid)
        {
            return invalid;
        }

        return await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            lead => Task.FromResult(lead.RecordBant(bant.Value, actor, clock.GetUtcNow())),
            cancellationToken);
    }
}
