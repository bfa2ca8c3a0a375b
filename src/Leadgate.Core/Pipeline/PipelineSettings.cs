using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

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

public sealed record StageSetting
{
    /// <summary>An existing stage's id; none for a new stage.</summary>
    public Guid? Id { get; set; }

    [Required]
    [MaxLength(100)]
    public string? Name { get; set; }

    [Range(0, 100)]
    public int? Probability { get; set; }

    public ForecastCategory? ForecastCategory { get; set; }

    [Range(0, 3650)]
    public int? StaleAfterDays { get; set; }

    /// <summary>Field codes from the fixed list: amount, expectedCloseDate, nextStep, stakeholder.&lt;Role&gt;.</summary>
    public IReadOnlyList<string>? Requires { get; set; }

    [Required]
    public StageMeaning? Meaning { get; set; }

    public bool Active { get; set; } = true;
}

public sealed record PipelineSetting
{
    public Guid? Id { get; set; }

    [Required]
    [MaxLength(100)]
    public string? Name { get; set; }

    public bool Active { get; set; } = true;

    /// <summary>The stages in board order.</summary>
    [Required]
    public IReadOnlyList<StageSetting>? Stages { get; set; }
}

/// <summary>The whole list of pipelines, in order. What is left out is deleted, unless deals or their history use it.</summary>
public sealed record ChangePipelinesRequest
{
    [Required]
    public IReadOnlyList<PipelineSetting>? Pipelines { get; set; }
}

/// <summary>
/// An admin or manager renames, reorders, adds and deactivates pipelines and stages. A stage that deals or their history
/// use is never deleted and never changes meaning (an organisation may rename a stage, not change what it means); a stage
/// or pipeline that holds open deals is not deactivated.
/// </summary>
public sealed class ChangePipelines(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<PipelineView>>> HandleAsync(ChangePipelinesRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Admin) && !actor.IsIn(Roles.Manager))
        {
            return new Forbidden("Only an admin or a manager changes the pipelines.");
        }

        var errors = new Dictionary<string, string[]>();
        var settings = request.Pipelines ?? [];
        if (settings.Count == 0 || !settings.Any(p => p.Active))
        {
            errors["pipelines"] = ["At least one active pipeline is required."];
        }

        for (var i = 0; i < settings.Count; i++)
        {
            var p = settings[i];
            var at = $"pipelines[{i}]";
            if (string.IsNullOrWhiteSpace(p.Name) || p.Name.Trim().Length > 100)
            {
                errors[$"{at}.name"] = ["A name of 1 to 100 characters."];
            }
            else if (settings.Take(i).Any(o => string.Equals(o.Name?.Trim(), p.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                errors[$"{at}.name"] = ["Another pipeline has this name."];
            }

            var stages = p.Stages ?? [];
            if (!stages.Any(s => s.Active && s.Meaning == StageMeaning.Sql))
            {
                errors[$"{at}.stages"] = ["An active stage that means Sql is required: accepted leads' deals start there."];
            }

            for (var j = 0; j < stages.Count; j++)
            {
                var s = stages[j];
                var where = $"{at}.stages[{j}]";
                if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Trim().Length > 100)
                {
                    errors[$"{where}.name"] = ["A name of 1 to 100 characters."];
                }
                else if (stages.Take(j).Any(o => string.Equals(o.Name?.Trim(), s.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
                {
                    errors[$"{where}.name"] = ["Another stage of this pipeline has this name."];
                }

                if (s.Meaning is not { } meaning || !Enum.IsDefined(meaning))
                {
                    errors[$"{where}.meaning"] = ["Sql, Opportunity, Won or Lost."];
                }

                if (s.Probability is not (>= 0 and <= 100))
                {
                    errors[$"{where}.probability"] = ["A percentage from 0 to 100."];
                }

                if (s.StaleAfterDays is < 0 or > 3650)
                {
                    errors[$"{where}.staleAfterDays"] = ["From 0 (never stale) to 3650 days."];
                }

                if ((s.Requires ?? []).FirstOrDefault(code => StageFields.Parse(code) is null) is { } unknown)
                {
                    errors[$"{where}.requires"] = [$"'{(unknown.Length > 50 ? unknown[..50] : unknown)}' is not on the list: amount, expectedCloseDate, nextStep, stakeholder.<Role> ({string.Join(", ", Enum.GetNames<StakeholderRole>())})."];
                }
            }
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var pipelines = await db.Pipelines.Include(p => p.Stages).Where(p => p.OrganisationId == actor.OrganisationId).OrderBy(p => p.Position).ToListAsync(cancellationToken);

        // Until an organisation's pipelines are first stored, every read shows the default pipeline made afresh, with new
        // ids each time: the ids sent back are that default's, so its pipeline and stages are saved as new.
        var unsaved = pipelines.Count == 0;
        var used = (await db.Deals.Where(d => d.OrganisationId == actor.OrganisationId && d.StageId != null).Select(d => d.StageId!.Value).Distinct().ToListAsync(cancellationToken))
            .Concat(await db.DealChanges.Where(c => c.OrganisationId == actor.OrganisationId && c.StageId != null).Select(c => c.StageId!.Value).Distinct().ToListAsync(cancellationToken))
            .ToHashSet();
        // A stage or pipeline that holds open deals stays active: its deals would drop off the board and could not move.
        var holdingOpenDeals = (await db.Deals.Where(d => d.OrganisationId == actor.OrganisationId && d.Status == DealStatus.Open && d.StageId != null)
            .Select(d => d.StageId!.Value).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var kept = new HashSet<Guid>();
        for (var i = 0; i < settings.Count; i++)
        {
            var p = settings[i];
            SalesPipeline pipeline;
            if (p.Id is { } id && !unsaved)
            {
                if (pipelines.Find(x => x.Id == id) is not { } existing)
                {
                    return Invalid.Field($"pipelines[{i}].id", "Not a pipeline of this organisation; leave the id out for a new one.");
                }

                if (existing.IsActive && !p.Active && existing.Stages.Any(x => holdingOpenDeals.Contains(x.Id)))
                {
                    return new Conflict("pipeline-has-open-deals", $"The pipeline '{existing.Name}' holds open deals; win, lose or move them before deactivating it.")
                    {
                        Subject = existing.Name,
                    };
                }

                pipeline = existing;
                pipeline.Rename(p.Name!.Trim());
                pipeline.Activate(p.Active);
                pipeline.Reposition(i);
            }
            else
            {
                pipeline = SalesPipeline.Create(actor.OrganisationId, p.Name!.Trim(), i, now);
                pipeline.Activate(p.Active);
                db.Pipelines.Add(pipeline);
            }

            kept.Add(pipeline.Id);
            var keptStages = new HashSet<Guid>();
            var stages = p.Stages!;
            for (var j = 0; j < stages.Count; j++)
            {
                var s = stages[j];
                var requires = (s.Requires ?? []).Select(code => StageFields.Parse(code)!).Distinct().ToList();
                if (s.Id is { } stageId && !unsaved)
                {
                    if (pipeline.Stages.FirstOrDefault(x => x.Id == stageId) is not { } stage)
                    {
                        return Invalid.Field($"pipelines[{i}].stages[{j}].id", "Not a stage of this pipeline; leave the id out for a new one.");
                    }

                    if (stage.Meaning != s.Meaning && used.Contains(stage.Id))
                    {
                        return new Conflict("stage-meaning-in-use", $"The stage '{stage.Name}' has deals: it may be renamed, not change what it means ({stage.Meaning}).")
                        {
                            Subject = stage.Name,
                        };
                    }

                    if (stage.IsActive && !s.Active && holdingOpenDeals.Contains(stage.Id))
                    {
                        return new Conflict("stage-has-open-deals", $"The stage '{stage.Name}' holds open deals; move them to another stage before deactivating it.")
                        {
                            Subject = stage.Name,
                        };
                    }

                    stage.ChangeMeaning(s.Meaning!.Value);
                    stage.Change(s.Name!.Trim(), j, s.Probability!.Value, s.ForecastCategory ?? stage.ForecastCategory, s.StaleAfterDays ?? stage.StaleAfterDays, requires, s.Active);
                    keptStages.Add(stage.Id);
                }
                else
                {
                    var stage = pipeline.AddStage(s.Name!.Trim(), s.Probability!.Value, s.ForecastCategory ?? ForecastCategory.Pipeline, s.StaleAfterDays ?? 14, s.Meaning!.Value, requires, now);
                    stage.Change(stage.Name, j, stage.Probability, stage.ForecastCategory, stage.StaleAfterDays, requires, s.Active);
                    keptStages.Add(stage.Id);
                }
            }

            foreach (var dropped in pipeline.Stages.Where(x => !keptStages.Contains(x.Id)).ToList())
            {
                if (used.Contains(dropped.Id))
                {
                    return new Conflict("stage-in-use", $"The stage '{dropped.Name}' has deals or history; deactivate it instead of deleting it.")
                    {
                        Subject = dropped.Name,
                    };
                }

                pipeline.Remove(dropped);
                db.PipelineStages.Remove(dropped);
            }
        }

        foreach (var dropped in pipelines.Where(p => !kept.Contains(p.Id)))
        {
            if (dropped.Stages.Any(s => used.Contains(s.Id)))
            {
                return new Conflict("pipeline-in-use", $"The pipeline '{dropped.Name}' has deals or history; deactivate it instead of deleting it.")
                {
                    Subject = dropped.Name,
                };
            }

            db.Pipelines.Remove(dropped);
        }

        db.AuditEntries.Add(Privacy.AuditEntry.SettingsChanged(actor, "pipelines", now));
        var saved = await db.SaveAsync(null, cancellationToken);
        if (saved.Error is { } error)
        {
            return error;
        }

        // A deal copies its stage's defaults on entry; a changed default reaches the deals in that stage now.
        foreach (var stage in pipelines.SelectMany(p => p.Stages))
        {
            var stageId = (Guid?)stage.Id;
            await db.Deals.Where(d => d.StageId == stageId && d.Status == DealStatus.Open
                    && (d.StageProbability != stage.Probability || d.StageForecastCategory != stage.ForecastCategory))
                .ExecuteUpdateAsync(x => x.SetProperty(d => d.StageProbability, stage.Probability).SetProperty(d => d.StageForecastCategory, stage.ForecastCategory), cancellationToken);
        }

        var views = await new GetPipelines(db, clock).HandleAsync(actor, cancellationToken);
        return views.ToList();
    }
}
