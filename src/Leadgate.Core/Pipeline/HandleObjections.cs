using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record ObjectionView(
    Guid Id,
    ObjectionCategory Category,
    string Text,
    DateTimeOffset RaisedAt,
    string RaisedBy,
    bool Answered,
    string? Answer,
    DateTimeOffset? AnsweredAt,
    string? AnsweredBy);

/// <summary>An objection the buyer raised: its category and what was said; <see cref="Answer"/> when it was answered on the spot.</summary>
public sealed record RaiseObjectionRequest
{
    [Required]
    public ObjectionCategory? Category { get; set; }

    [Required]
    [MaxLength(Objection.MaxTextLength)]
    public string? Text { get; set; }

    [MaxLength(Objection.MaxTextLength)]
    public string? Answer { get; set; }
}

/// <summary>How an objection was answered.</summary>
public sealed record AnswerObjectionRequest
{
    [Required]
    [MaxLength(Objection.MaxTextLength)]
    public string? Answer { get; set; }
}

public sealed record RaisedObjectionView(Guid Id, DealView Deal);

/// <summary>Records an objection the buyer raised on an open deal (and, optionally, how it was answered).</summary>
public sealed class RaiseObjection(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<RaisedObjectionView>> HandleAsync(Guid dealId, RaiseObjectionRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return new Forbidden("Only sales users and managers record objections on deals.");
        }

        Guid? id = null;
        var result = await db.ChangeDealAsync(
            dealId, actor, expectedVersion, clock,
            (deal, _, _) =>
            {
                var at = clock.GetUtcNow();
                var raised = deal.RaiseObjection(request.Category, request.Text, actor, at);
                if (raised.Error is { } refused)
                {
                    return refused;
                }

                if (request.Answer is not null && deal.AnswerObjection(raised.Value, request.Answer, actor, at).Error is { } badAnswer)
                {
                    return badAnswer;
                }

                db.Objections.Add(raised.Value);
                id = raised.Value.Id;
                return Done.Value;
            },
            cancellationToken);
        return result.Map(deal => new RaisedObjectionView(id!.Value, deal));
    }
}

/// <summary>Records how an objection on an open deal was answered.</summary>
public sealed class AnswerObjection(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<DealView>> HandleAsync(Guid dealId, Guid objectionId, AnswerObjectionRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return new Forbidden("Only sales users and managers answer objections on deals.");
        }

        var objection = await db.Objections.FirstOrDefaultAsync(
            o => o.Id == objectionId && o.DealId == dealId && o.OrganisationId == actor.OrganisationId, cancellationToken);
        if (objection is null)
        {
            var dealExists = await db.Deals.AnyAsync(d => d.Id == dealId && d.OrganisationId == actor.OrganisationId, cancellationToken);
            return dealExists ? new NotFound("Objection", objectionId) : new NotFound("Deal", dealId);
        }

        return await db.ChangeDealAsync(
            dealId, actor, expectedVersion, clock,
            (deal, _, _) => deal.AnswerObjection(objection, request.Answer, actor, clock.GetUtcNow()),
            cancellationToken);
    }
}
