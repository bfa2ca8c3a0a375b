using System.Text.Json;
using Leadgate.Common;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Prediction;

/// <summary>A field and how much it moved the organisation's leads on average (mean absolute contribution, log-odds).</summary>
public sealed record FactorStrength(string Factor, double Strength);

/// <summary>
/// One trained version of an organisation's likelihood model: when and on what it was trained, how well it did on leads it
/// had not seen (cross-validated), its strongest factors, and the model itself as JSON. At most one version of an
/// organisation is active; the others are kept so an admin can roll back.
/// </summary>
public sealed class PredictionModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private PredictionModel()
    {
        TrainedBy = null!;
        CalibrationJson = null!;
        FactorsJson = null!;
        ModelJson = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    /// <summary>1, 2, 3, … per organisation, in training order.</summary>
    public int Version { get; private set; }

    public DateTimeOffset TrainedAt { get; private set; }

    /// <summary>The user who asked, or "schedule".</summary>
    public string TrainedBy { get; private set; }

    public TargetStage Target { get; private set; }

    public ModelKind Kind { get; private set; }

    /// <summary>Cross-validated (5-fold stratified) area under the ROC curve.</summary>
    public double Auc { get; private set; }

    public double Brier { get; private set; }

    public double LogLoss { get; private set; }

    /// <summary>The closed leads it was trained on (converted and not converted).</summary>
    public int ClosedLeads { get; private set; }

    /// <summary>Of the closed leads, those that converted.</summary>
    public int Converted { get; private set; }

    /// <summary>Held-out calibration per decile (<see cref="CalibrationBin"/>), JSON.</summary>
    public string CalibrationJson { get; private set; }

    /// <summary>Every field's strength (<see cref="FactorStrength"/>), strongest first, JSON.</summary>
    public string FactorsJson { get; private set; }

    /// <summary>The serialised <see cref="LikelihoodModel"/>.</summary>
    public string ModelJson { get; private set; }

    public bool Active { get; private set; }

    public DateTimeOffset? ActivatedAt { get; private set; }

    internal static IReadOnlyList<CalibrationBin> ReadCalibration(string json) => JsonSerializer.Deserialize<List<CalibrationBin>>(json, Json) ?? [];

    internal static IReadOnlyList<FactorStrength> ReadFactors(string json) => JsonSerializer.Deserialize<List<FactorStrength>>(json, Json) ?? [];

    internal static PredictionModel Record(
        Guid organisationId, int version, DateTimeOffset trainedAt, string trainedBy, TargetStage target, LikelihoodModel model,
        ModelQuality quality, IReadOnlyList<FactorStrength> factors) => new()
        {
            Id = Ids.New(trainedAt),
            OrganisationId = organisationId,
            Version = version,
            TrainedAt = trainedAt,
            TrainedBy = trainedBy,
            Target = target,
            Kind = model.Kind,
            Auc = quality.Auc,
            Brier = quality.Brier,
            LogLoss = quality.LogLoss,
            ClosedLeads = quality.Leads,
            Converted = quality.Converted,
            CalibrationJson = JsonSerializer.Serialize(quality.Calibration, Json),
            FactorsJson = JsonSerializer.Serialize(factors, Json),
            ModelJson = model.Serialize(),
        };

    internal static void Configure(ModelBuilder builder)
    {
        builder.Entity<PredictionModel>(model =>
        {
            model.HasIndex(m => new { m.OrganisationId, m.Version }).IsUnique();
            model.Property(m => m.TrainedBy).HasMaxLength(200);
            // One active version per organisation: two activations at once cannot both win.
            model.HasIndex(m => m.OrganisationId).IsUnique().HasFilter("\"Active\"").HasDatabaseName("IX_PredictionModels_OrganisationId_Active");
            model.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<LeadLikelihood>(likelihood =>
        {
            likelihood.HasKey(l => l.LeadId);
            // The list's sort and filter by likelihood.
            likelihood.HasIndex(l => new { l.OrganisationId, l.Probability, l.LeadId });
            likelihood.HasIndex(l => l.ModelId);
            likelihood.HasOne<Lead>().WithOne().HasForeignKey<LeadLikelihood>(l => l.LeadId).OnDelete(DeleteBehavior.Cascade);
            likelihood.HasOne<PredictionModel>().WithMany().HasForeignKey(l => l.ModelId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<PredictionSchedule>(schedule =>
        {
            schedule.HasKey(s => s.OrganisationId);
            schedule.Property(s => s.LeaseOwner).HasMaxLength(200);
            schedule.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>
/// A lead's likelihood by the organisation's active model, kept so the list sorts and filters by it on both databases. The
/// lead page computes it afresh (with its reasons); this copy is refreshed when a model becomes active and, for leads that
/// changed, by the background refresh (<see cref="RefreshLikelihoods"/>).
/// </summary>
public sealed class LeadLikelihood
{
    private LeadLikelihood()
    {
    }

    public Guid LeadId { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid ModelId { get; private set; }

    public double Probability { get; private set; }

    public DateTimeOffset ComputedAt { get; private set; }

    internal static LeadLikelihood Of(Guid leadId, Guid organisationId, Guid modelId, double probability, DateTimeOffset at) => new()
    {
        LeadId = leadId,
        OrganisationId = organisationId,
        ModelId = modelId,
        Probability = probability,
        ComputedAt = at,
    };
}

/// <summary>
/// An organisation's background prediction work (scheduled training, refreshing stored likelihoods): one row each, claimed
/// by one app instance at a time with a lease, so several instances never train the same organisation twice.
/// </summary>
public sealed class PredictionSchedule
{
    private PredictionSchedule()
    {
    }

    public Guid OrganisationId { get; private set; }

    /// <summary>When scheduled training last ran (trained or refused for too little history).</summary>
    public DateTimeOffset? TrainedAt { get; private set; }

    /// <summary>When stored likelihoods were last refreshed.</summary>
    public DateTimeOffset? RefreshedAt { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    internal static PredictionSchedule For(Guid organisationId) => new() { OrganisationId = organisationId };
}
