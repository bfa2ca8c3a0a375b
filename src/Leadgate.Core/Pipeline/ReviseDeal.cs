using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record NextStepRequest
{
    [MaxLength(Deal.MaxNextStepLength)]
    public string? Text { get; set; }

    public DateOnly? DueOn { get; set; }
}

/// <summary>
/// New estimates and plans for an open deal (a JSON merge patch): what is left out stays as it is; a sent null clears
/// <c>probability</c> and <c>forecastCategory</c> (the stage's defaults come back) and <c>nextStep</c>.
/// </summary>
public sealed record ReviseDealRequest
{
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
    {
        "value", "currency", "expectedCloseDate", "probability", "forecastCategory", "nextStep", "ownerId", "proposalReference",
    };

    [Range(0.01, 1_000_000_000_000)]
    public decimal? Value { get; set; }

    [MaxLength(3)]
    public string? Currency { get; set; }

    public DateOnly? ExpectedCloseDate { get; set; }

    /// <summary>The rep's probability in percent; null gives the stage's default back.</summary>
    [Range(0, 100)]
    public int? Probability { get; set; }

    public ForecastCategory? ForecastCategory { get; set; }

    public NextStepRequest? NextStep { get; set; }

    public Guid? OwnerId { get; set; }

    /// <summary>Which proposal is on the table (its number or link); null clears it.</summary>
    [MaxLength(Deal.MaxProposalReferenceLength)]
    public string? ProposalReference { get; set; }

    /// <summary>The fields the patch named; null (a caller in process) counts every field that has a value.</summary>
    [JsonIgnore]
    public IReadOnlySet<string>? Sent { get; init; }

    internal bool Names(string field, object? value) => Sent?.Contains(field) ?? value is not null;
}

public sealed class ReviseDeal(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<DealView>> HandleAsync(Guid dealId, ReviseDealRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return new Forbidden("Only sales users and managers revise deals.");
        }

        if (request.Sent?.FirstOrDefault(f => !ReviseDealRequest.Fields.Contains(f)) is { } unknown)
        {
            return Invalid.Field(unknown, $"A deal has no field '{unknown}' to change; use {string.Join(", ", ReviseDealRequest.Fields)}.");
        }

        // A deal always has a value, a currency and an expected close date: sent as null, they are refused, not ignored.
        if (request.Sent is { } sent
            && new (string Field, object? Value)[] { ("value", request.Value), ("currency", request.Currency), ("expectedCloseDate", request.ExpectedCloseDate) }
                .FirstOrDefault(f => sent.Contains(f.Field) && f.Value is null) is { Field: { } cleared })
        {
            return Invalid.Field(cleared, "A deal always has one; send a new one to change it.");
        }

        if (request.Probability is < 0 or > 100)
        {
            return Invalid.Field("probability", "A percentage from 0 to 100, or null for the stage's default.");
        }

        var setsOwner = request.Names("ownerId", request.OwnerId);
        if (setsOwner && request.OwnerId is { } ownerId
            && !await db.Users.AnyAsync(u => u.Id == ownerId && u.OrganisationId == actor.OrganisationId, cancellationToken))
        {
            return Invalid.Field("ownerId", "Not a user of this organisation.");
        }

        var plan = new DealPlan
        {
            SetsProbability = request.Names("probability", request.Probability),
            Probability = request.Probability,
            SetsForecastCategory = request.Names("forecastCategory", request.ForecastCategory),
            ForecastCategory = request.ForecastCategory,
            SetsNextStep = request.Names("nextStep", request.NextStep),
            NextStepText = request.NextStep?.Text,
            NextStepDueOn = request.NextStep?.DueOn,
            SetsOwner = setsOwner,
            OwnerId = request.OwnerId,
            SetsProposalReference = request.Names("proposalReference", request.ProposalReference),
            ProposalReference = request.ProposalReference,
        };
        return await db.ChangeDealAsync(
            dealId, actor, expectedVersion, clock,
            (deal, _, _) =>
            {
                var revised = deal.Revise(request.Value, request.Currency, request.ExpectedCloseDate, clock.GetUtcNow());
                return revised.Error is { } error ? error : deal.Plan(plan, clock.GetUtcNow());
            },
            cancellationToken);
    }
}
