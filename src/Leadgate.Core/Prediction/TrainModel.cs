using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Leadgate.Prediction;

/// <summary>What to learn: which stage counts as converted (SQL unless said otherwise).</summary>
public sealed record TrainModelRequest
{
    public TargetStage Target { get; init; } = TargetStage.Sql;
}

/// <summary>The steps of training, in order.</summary>
public enum TrainingStep
{
    Reading,
    CrossValidating,
    Training,
    Scoring,
    Done,
}

/// <summary>How far training is, for a progress indicator: the step (with the fold during cross-validation) and the share of the work done (0–1).</summary>
public readonly record struct TrainingProgress(TrainingStep Step, int Fold, double Done);

/// <summary>Training was refused: the organisation's history is too short; nothing was written.</summary>
public sealed record NotEnoughHistory(ClosedLeadCounts Counts) : Error(Counts.Missing() ?? "Not enough history.");

/// <summary>
/// Trains a new model version on the organisation's closed leads, with the same procedure the benchmark measures
/// (<see cref="ModelTraining"/>): its quality by 5-fold stratified cross-validation with a fixed seed, then the model on
/// all of them. Refused, writing nothing, with fewer than 200 closed leads or fewer than 30 of either outcome. The first
/// version becomes active at once (and every lead gets its likelihood); later ones wait for an admin to activate them.
/// </summary>
public sealed partial class TrainModel(LeadgateDbContext db, TimeProvider clock, ILogger<TrainModel> logger)
{
    public const int Folds = 5;
    public const int Seed = 42;

    public async Task<Result<ModelVersionView>> HandleAsync(TrainModelRequest request, Actor actor, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (actor.Kind == ActorKind.User && !actor.IsIn(Roles.Admin))
        {
            return new Forbidden("Only an admin trains a likelihood model.");
        }

        if (!Enum.IsDefined(request.Target))
        {
            return Invalid.Field("target", "Sql or Customer.");
        }

        var organisationId = actor.OrganisationId;
        var now = clock.GetUtcNow();
        progress?.Report(new TrainingProgress(TrainingStep.Reading, 0, 0));
        var history = await LeadHistory.ReadAsync(db, organisationId, null, request.Target, now, cancellationToken);
        var closed = history.Where(r => r.Outcome is not null).ToList();
        var counts = new ClosedLeadCounts(closed.Count(r => r.Outcome == true), closed.Count(r => r.Outcome == false));
        if (!counts.Enough)
        {
            return new NotEnoughHistory(counts);
        }

        // The organisation's imported attributes are fields of their own; the encoder drops what is too rare to learn from.
        var schema = LeadFeatures.SchemaFor(closed.Select(r => r.Facts));
        var examples = closed.ConvertAll(r => LeadFeatures.ToExample(schema, r.Facts, r.Outcome!.Value));
        var (quality, fitted) = await Task.Run(
            () =>
            {
                var folds = new SynchronousProgress<int>(fold => progress?.Report(new TrainingProgress(TrainingStep.CrossValidating, fold, 0.05 + 0.75 * fold / Folds)));
                var measured = ModelTraining.CrossValidate(schema, examples, Folds, Seed, folds);
                progress?.Report(new TrainingProgress(TrainingStep.Training, 0, 0.8));
                return (measured.Quality, ModelTraining.Fit(schema, examples, Seed));
            },
            cancellationToken);
        var factors = Strengths(fitted.Model, examples);

        var trainedBy = actor.Kind == ActorKind.User ? actor.Name : "schedule";
        PredictionModel? saved = null;
        for (var attempt = 0; saved is null; attempt++)
        {
            var version = await db.PredictionModels.Where(m => m.OrganisationId == organisationId).MaxAsync(m => (int?)m.Version, cancellationToken) ?? 0;
            var candidate = PredictionModel.Record(organisationId, version + 1, clock.GetUtcNow(), trainedBy, request.Target, fitted.Model, quality, factors);
            db.PredictionModels.Add(candidate);
            var result = await db.SaveAsync(null, cancellationToken);
            if (result.Error is { } error)
            {
                // Another training of this organisation took the same version number at the same moment: take the next.
                if (attempt >= 3)
                {
                    return error;
                }

                continue;
            }

            saved = candidate;
        }

        LogTrained(logger, organisationId, saved.Version, saved.Kind, saved.Auc, saved.ClosedLeads);
        if (!await db.PredictionModels.AnyAsync(m => m.OrganisationId == organisationId && m.Active, cancellationToken))
        {
            progress?.Report(new TrainingProgress(TrainingStep.Scoring, 0, 0.9));
            var activated = await ActivateModel.ActivateAsync(db, organisationId, saved.Id, clock.GetUtcNow(), cancellationToken);
            if (activated.Error is { } error)
            {
                return error;
            }
        }

        progress?.Report(new TrainingProgress(TrainingStep.Done, 0, 1));
        return await ListModels.ViewAsync(db, organisationId, saved.Id, cancellationToken) is { } view ? view : new NotFound("Model", saved.Id);
    }

    /// <summary>Each field's mean absolute contribution over the closed leads: which fields move this organisation's leads most.</summary>
    internal static List<FactorStrength> Strengths(LikelihoodModel model, IReadOnlyList<Example> examples)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var example in examples)
        {
            foreach (var contribution in model.Explain(example).Contributions)
            {
                totals[contribution.Factor] = totals.GetValueOrDefault(contribution.Factor) + Math.Abs(contribution.Contribution);
            }
        }

        return [.. totals.Select(t => new FactorStrength(t.Key, t.Value / examples.Count)).OrderByDescending(f => f.Strength)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained likelihood model version {Version} of organisation {OrganisationId}: {Kind}, cross-validated AUC {Auc:0.000} on {ClosedLeads} closed leads")]
    private static partial void LogTrained(ILogger logger, Guid organisationId, int version, ModelKind kind, double auc, int closedLeads);

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
