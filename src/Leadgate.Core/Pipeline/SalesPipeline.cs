using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

/// <summary>What a pipeline stage means for the lead's lifecycle (PRODUCT.md §3); the lifecycle table decides the move.</summary>
public enum StageMeaning
{
    Sql,
    Opportunity,
    Won,
    Lost,
}

/// <summary>How sure the rep is that the deal closes in its period, for the forecast.</summary>
public enum ForecastCategory
{
    Pipeline,
    BestCase,
    Commit,
    Closed,
    Omitted,
}

/// <summary>Where a deal's probability comes from: its stage's default, or a value the rep set (kept across moves).</summary>
public enum ProbabilitySource
{
    Stage,
    Rep,
}

/// <summary>The roles a buyer's contact plays in a deal.</summary>
public enum StakeholderRole
{
    DecisionMaker,
    Champion,
    Influencer,
    Blocker,
    Procurement,
    Legal,
    User,
}

/// <summary>
/// The fields a stage may ask for before a deal enters it (the fixed list of the issue). Codes are those of the lifecycle's
/// requirements, so a refusal names them alike: <c>amount</c> is the proposal amount (the quote on the table, not the
/// estimate made at accept), <c>stakeholder.DecisionMaker</c> a stakeholder in that role.
/// </summary>
public static class StageFields
{
    public const string Amount = "amount";
    public const string ExpectedCloseDate = "expectedCloseDate";
    public const string NextStep = "nextStep";
    public const string ProposalReference = "proposalReference";
    public const string StakeholderPrefix = "stakeholder.";

    public static readonly Requirement AmountRequirement = Requirement.ProposalAmount;

    public static readonly Requirement NextStepRequirement = new(NextStep, "A next step on the deal (what happens next, and when).");

    public static readonly Requirement CloseDateRequirement = new(ExpectedCloseDate, "An expected close date on the deal.");

    public static readonly Requirement ProposalReferenceRequirement = new(ProposalReference, "A reference to the proposal sent (its number or link).");

    public static Requirement Stakeholder(StakeholderRole role) => new(StakeholderPrefix + role, $"A stakeholder in the role {role} among the deal's stakeholders.");

    /// <summary>The field code, checked against the fixed list; null when it is not on it.</summary>
    public static string? Parse(string? code)
    {
        var text = code?.Trim();
        if (string.Equals(text, Amount, StringComparison.OrdinalIgnoreCase))
        {
            return Amount;
        }

        if (string.Equals(text, ExpectedCloseDate, StringComparison.OrdinalIgnoreCase))
        {
            return ExpectedCloseDate;
        }

        if (string.Equals(text, NextStep, StringComparison.OrdinalIgnoreCase))
        {
            return NextStep;
        }

        if (string.Equals(text, ProposalReference, StringComparison.OrdinalIgnoreCase))
        {
            return ProposalReference;
        }

        return text is not null && text.StartsWith(StakeholderPrefix, StringComparison.OrdinalIgnoreCase)
            && Enum.TryParse<StakeholderRole>(text[StakeholderPrefix.Length..], ignoreCase: false, out var role) && Enum.IsDefined(role)
            && !int.TryParse(text[StakeholderPrefix.Length..], out _)
            ? StakeholderPrefix + role
            : null;
    }
}

/// <summary>An organisation's sales pipeline: its stages in order.</summary>
public sealed class SalesPipeline
{
    public const string DefaultName = "Sales";

    private readonly List<PipelineStage> _stages = [];

    private SalesPipeline()
    {
        Name = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public string Name { get; private set; }

    public int Position { get; private set; }

    public bool IsActive { get; private set; }

    public IReadOnlyList<PipelineStage> Stages => _stages;

    public static SalesPipeline Create(Guid organisationId, string name, int position, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        Name = name,
        Position = position,
        IsActive = true,
    };

    /// <summary>The default pipeline of the issue: Qualified, Discovery/demo, Proposal, Negotiation, Contracting, Won, Lost.</summary>
    public static SalesPipeline CreateDefault(Guid organisationId, DateTimeOffset at)
    {
        var pipeline = Create(organisationId, DefaultName, 0, at);
        pipeline.AddStage("Qualified", 20, ForecastCategory.Pipeline, 14, StageMeaning.Sql, [], at);
        pipeline.AddStage("Discovery/demo", 35, ForecastCategory.Pipeline, 14, StageMeaning.Sql, [], at);
        pipeline.AddStage("Proposal", 50, ForecastCategory.BestCase, 10, StageMeaning.Opportunity, [StageFields.Amount], at);
        pipeline.AddStage("Negotiation", 70, ForecastCategory.BestCase, 10, StageMeaning.Opportunity, [], at);
        pipeline.AddStage("Contracting", 90, ForecastCategory.Commit, 7, StageMeaning.Opportunity, [StageFields.StakeholderPrefix + StakeholderRole.DecisionMaker], at);
        pipeline.AddStage("Won", 100, ForecastCategory.Closed, 0, StageMeaning.Won, [], at);
        pipeline.AddStage("Lost", 0, ForecastCategory.Omitted, 0, StageMeaning.Lost, [], at);
        return pipeline;
    }

    public PipelineStage AddStage(string name, int probability, ForecastCategory category, int staleAfterDays, StageMeaning meaning, IReadOnlyList<string> requires, DateTimeOffset at)
    {
        var stage = PipelineStage.Create(this, name, _stages.Count, probability, category, staleAfterDays, meaning, requires, at);
        _stages.Add(stage);
        return stage;
    }

    internal void Rename(string name) => Name = name;

    internal void Activate(bool active) => IsActive = active;

    internal void Reposition(int position) => Position = position;

    internal void Remove(PipelineStage stage) => _stages.Remove(stage);

    /// <summary>The first active stage with this meaning, in the pipeline's order.</summary>
    public PipelineStage? FirstWith(StageMeaning meaning) =>
        _stages.Where(s => s.IsActive && s.Meaning == meaning).OrderBy(s => s.Position).FirstOrDefault();
}

/// <summary>A column of the board: a name, a default probability and forecast category, a staleness limit, entry fields, a lifecycle meaning.</summary>
public sealed class PipelineStage
{
    private PipelineStage()
    {
        Name = null!;
        Requires = "";
    }

    public Guid Id { get; private set; }

    public Guid PipelineId { get; private set; }

    public string Name { get; private set; }

    public int Position { get; private set; }

    /// <summary>The default probability in percent, 0–100.</summary>
    public int Probability { get; private set; }

    public ForecastCategory ForecastCategory { get; private set; }

    /// <summary>The days a deal in this stage may go without a touch before it is stale; 0 never goes stale.</summary>
    public int StaleAfterDays { get; private set; }

    public StageMeaning Meaning { get; private set; }

    /// <summary>The field codes (<see cref="StageFields"/>) a deal needs to enter the stage, comma-separated.</summary>
    public string Requires { get; private set; }

    public bool IsActive { get; private set; }

    public IReadOnlyList<string> RequiredFields => Requires.Length == 0 ? [] : Requires.Split(',');

    internal static PipelineStage Create(SalesPipeline pipeline, string name, int position, int probability, ForecastCategory category, int staleAfterDays, StageMeaning meaning, IReadOnlyList<string> requires, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        PipelineId = pipeline.Id,
        Name = name,
        Position = position,
        Probability = probability,
        ForecastCategory = category,
        StaleAfterDays = staleAfterDays,
        Meaning = meaning,
        Requires = string.Join(',', requires),
        IsActive = true,
    };

    internal void Change(string name, int position, int probability, ForecastCategory category, int staleAfterDays, IReadOnlyList<string> requires, bool active)
    {
        Name = name;
        Position = position;
        Probability = probability;
        ForecastCategory = category;
        StaleAfterDays = staleAfterDays;
        Requires = string.Join(',', requires);
        IsActive = active;
    }

    internal void ChangeMeaning(StageMeaning meaning) => Meaning = meaning;
}

public static class Pipelines
{
    /// <summary>The organisation's pipelines with their stages (tracked), the default pipeline made when it has none.</summary>
    public static async Task<List<SalesPipeline>> LoadAsync(LeadgateDbContext db, Guid organisationId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var pipelines = await db.Pipelines.Include(p => p.Stages).Where(p => p.OrganisationId == organisationId).OrderBy(p => p.Position).ToListAsync(cancellationToken);
        if (pipelines.Count == 0)
        {
            var created = SalesPipeline.CreateDefault(organisationId, at);
            db.Pipelines.Add(created);
            pipelines.Add(created);
        }

        return pipelines;
    }

    /// <summary>Read-only: the pipelines with their stages, or the default one (not saved) when the organisation has none yet.</summary>
    public static async Task<List<SalesPipeline>> ReadAsync(LeadgateDbContext db, Guid organisationId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var pipelines = await db.Pipelines.AsNoTracking().Include(p => p.Stages).Where(p => p.OrganisationId == organisationId).OrderBy(p => p.Position).ToListAsync(cancellationToken);
        return pipelines.Count > 0 ? pipelines : [SalesPipeline.CreateDefault(organisationId, at)];
    }

    /// <summary>
    /// Where a deal without a stage (opened before pipelines existed) stands: in the first pipeline, at the first stage
    /// whose meaning matches what the deal and its lead show (won, lost, a proposal recorded, or still an SQL).
    /// </summary>
    public static PipelineStage PlacementOf(SalesPipeline pipeline, DealStatus status, bool proposed) =>
        pipeline.FirstWith(status switch
        {
            DealStatus.Won => StageMeaning.Won,
            DealStatus.Lost => StageMeaning.Lost,
            DealStatus.Open => proposed ? StageMeaning.Opportunity : StageMeaning.Sql,
        }) ?? pipeline.Stages.OrderBy(s => s.Position).First();
}
