using System.Collections.Concurrent;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Prediction;

/// <summary>How likely a lead is to convert, in three words a sales team uses.</summary>
public enum LikelihoodBand
{
    High,
    Medium,
    Low,
}

/// <summary>One field's push on a lead's likelihood: its value and its signed contribution in log-odds.</summary>
public sealed record LikelihoodReason(string Factor, string Value, double Contribution);

/// <summary>
/// A lead's likelihood by the active model, with its reasons: <see cref="Baseline"/> plus every reason's contribution is
/// the probability's log-odds.
/// </summary>
public sealed record LeadLikelihoodView(double Probability, LikelihoodBand Band, IReadOnlyList<LikelihoodReason> Reasons, int ModelVersion)
{
    /// <summary>The log-odds of an average lead of the training data, after calibration.</summary>
    public double Baseline { get; init; }
}

/// <summary>A lead's stored likelihood, as the list shows it.</summary>
public sealed record LikelihoodSummary(double Probability, LikelihoodBand Band);

/// <summary>Why the leads of a list have (or lack) a likelihood.</summary>
public enum LikelihoodState
{
    /// <summary>A model is active; a lead without a likelihood has not been scored since it came in or changed.</summary>
    Active,

    /// <summary>No model was trained yet, or none is active.</summary>
    NoModel,
}

public sealed record LikelihoodStatus(LikelihoodState State, string Message, int? ModelVersion);

public static class LeadLikelihoods
{
    public const double HighFrom = 0.5;
    public const double MediumFrom = 0.2;

    public static LikelihoodBand BandOf(double probability) =>
        probability >= HighFrom ? LikelihoodBand.High : probability >= MediumFrom ? LikelihoodBand.Medium : LikelihoodBand.Low;

    private static readonly ConcurrentDictionary<Guid, LikelihoodModel> Cache = new();

    /// <summary>A stored model, deserialised once per version (versions never change).</summary>
    public static async Task<LikelihoodModel> ModelAsync(LeadgateDbContext db, Guid modelId, CancellationToken cancellationToken)
    {
        if (Cache.TryGetValue(modelId, out var model))
        {
            return model;
        }

        var json = await db.PredictionModels.AsNoTracking().Where(m => m.Id == modelId).Select(m => m.ModelJson).SingleAsync(cancellationToken);
        model = LikelihoodModel.Deserialize(json);
        if (Cache.Count > 64)
        {
            Cache.Clear();
        }

        Cache[modelId] = model;
        return model;
    }

    public static Task<ActiveModel?> ActiveAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken) =>
        db.PredictionModels.AsNoTracking()
            .Where(m => m.OrganisationId == organisationId && m.Active)
            .Select(m => new ActiveModel(m.Id, m.Version, m.Target))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>One lead's likelihood and reasons by the active model, computed now; null when no model is active.</summary>
    public static async Task<LeadLikelihoodView?> OfLeadAsync(LeadgateDbContext db, Guid organisationId, Guid leadId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await ActiveAsync(db, organisationId, cancellationToken) is not { } active)
        {
            return null;
        }

        var model = await ModelAsync(db, active.Id, cancellationToken);
        var rows = await LeadHistory.ReadAsync(db, organisationId, [leadId], active.Target, now, cancellationToken);
        return rows is [var row] ? Explain(model, row.Facts, active.Version) : null;
    }

    public static LeadLikelihoodView Explain(LikelihoodModel model, PredictionFacts facts, int version)
    {
        var explained = model.Explain(LeadFeatures.ToExample(model.Encoder.Schema, facts, converted: false));
        return new LeadLikelihoodView(
            explained.Probability,
            BandOf(explained.Probability),
            [.. explained.Contributions.Where(c => c.Contribution != 0).Select(c => new LikelihoodReason(c.Factor, c.Value, c.Contribution))],
            version)
        {
            Baseline = explained.Baseline,
        };
    }

    /// <summary>What the list says about likelihoods: a model is active (its version), or why there is none.</summary>
    public static async Task<LikelihoodStatus> StatusAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        if (await ActiveAsync(db, organisationId, cancellationToken) is { } active)
        {
            return new LikelihoodStatus(LikelihoodState.Active, $"Likelihood by model version {active.Version}.", active.Version);
        }

        if (await db.PredictionModels.AnyAsync(m => m.OrganisationId == organisationId, cancellationToken))
        {
            return new LikelihoodStatus(LikelihoodState.NoModel, "No model is active: an admin activates one on the model page.", null);
        }

        // Not counted here: every list read would count the organisation's closed leads. Training's refusal and the model
        // page say exactly how many are missing.
        return new LikelihoodStatus(
            LikelihoodState.NoModel,
            $"No model has been trained yet: an admin trains one on the model page once there are at least {ClosedLeadCounts.MinimumClosed} closed leads, {ClosedLeadCounts.MinimumEachOutcome} of each outcome.",
            null);
    }
}

public sealed record ActiveModel(Guid Id, int Version, TargetStage Target);
