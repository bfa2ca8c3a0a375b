using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Prediction;

/// <summary>
/// A model version as the API and the model page show it: when it was trained and by whom, on how many closed leads (and
/// how many of them converted), its cross-validated AUC, Brier score and log loss, its held-out calibration per decile,
/// its strongest factors, and whether it is the active one.
/// </summary>
public sealed record ModelVersionView(
    Guid Id,
    int Version,
    DateTimeOffset TrainedAt,
    string TrainedBy,
    TargetStage Target,
    ModelKind Kind,
    double Auc,
    double Brier,
    double LogLoss,
    int ClosedLeads,
    int ConvertedLeads,
    bool Active,
    DateTimeOffset? ActivatedAt,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<FactorStrength> Factors);

/// <summary>What the model page needs at once: every version (newest first) and whether training is possible yet.</summary>
public sealed record ModelsOverview(IReadOnlyList<ModelVersionView> Versions, ClosedLeadCounts History, string? Missing);

/// <summary>The organisation's model versions, newest first; every member may read them.</summary>
public sealed class ListModels(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<ModelVersionView>> HandleAsync(Actor actor, CancellationToken cancellationToken) =>
        await ViewsAsync(db, actor.OrganisationId, null, cancellationToken);

    public async Task<ModelsOverview> OverviewAsync(Actor actor, CancellationToken cancellationToken)
    {
        var versions = await ViewsAsync(db, actor.OrganisationId, null, cancellationToken);
        var counts = await LeadHistory.CountAsync(db, actor.OrganisationId, TargetStage.Sql, clock.GetUtcNow(), cancellationToken);
        return new ModelsOverview(versions, counts, counts.Missing());
    }

    internal static async Task<ModelVersionView?> ViewAsync(LeadgateDbContext db, Guid organisationId, Guid modelId, CancellationToken cancellationToken) =>
        (await ViewsAsync(db, organisationId, modelId, cancellationToken)).SingleOrDefault();

    private static async Task<List<ModelVersionView>> ViewsAsync(LeadgateDbContext db, Guid organisationId, Guid? modelId, CancellationToken cancellationToken)
    {
        var query = db.PredictionModels.AsNoTracking().Where(m => m.OrganisationId == organisationId);
        if (modelId is { } id)
        {
            query = query.Where(m => m.Id == id);
        }

        // Everything but the model itself, which can be large.
        var rows = await query
            .OrderByDescending(m => m.Version)
            .Select(m => new
            {
                m.Id, m.Version, m.TrainedAt, m.TrainedBy, m.Target, m.Kind, m.Auc, m.Brier, m.LogLoss, m.ClosedLeads, m.Converted,
                m.Active, m.ActivatedAt, m.CalibrationJson, m.FactorsJson,
            })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(m => new ModelVersionView(
            m.Id, m.Version, m.TrainedAt, m.TrainedBy, m.Target, m.Kind, m.Auc, m.Brier, m.LogLoss, m.ClosedLeads, m.Converted, m.Active, m.ActivatedAt,
            PredictionModel.ReadCalibration(m.CalibrationJson), PredictionModel.ReadFactors(m.FactorsJson)));
    }
}
