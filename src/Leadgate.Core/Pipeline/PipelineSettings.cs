using Leadgate.Accounts;
using Leadgate.Data;

namespace Leadgate.Pipeline;

public sealed record PipelineStageView(
    Guid Id, string Name, int Position, int Probability, ForecastCategory ForecastCategory, int StaleAfterDays,
    IReadOnlyList<string> Requires, StageMeaning Meaning, bool Active);

public sealed record PipelineView(Guid Id, string Name, bool Active, IReadOnlyList<PipelineStageView> Stages);

/// <summary>The organisation's pipelines and their stages in order (the default pipeline until an admin changes it).</summary>
public sealed class GetPipelines(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<PipelineView>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var pipelines = await Pipelines.ReadAsync(db, actor.OrganisationId, clock.GetUtcNow(), cancellationToken);
        return [.. pipelines.Select(ViewOf)];
    }

    public static PipelineView ViewOf(SalesPipeline pipeline) => new(
        pipeline.Id, pipeline.Name, pipeline.IsActive,
        [.. pipeline.Stages.OrderBy(s => s.Position).Select(s => new PipelineStageView(
            s.Id, s.Name, s.Position, s.Probability, s.ForecastCategory, s.StaleAfterDays, s.RequiredFields, s.Meaning, s.IsActive))]);
}
