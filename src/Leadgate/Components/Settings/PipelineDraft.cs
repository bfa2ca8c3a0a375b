using Leadgate.Pipeline;
using Microsoft.Extensions.Localization;

namespace Leadgate.Web.Components.Settings;

/// <summary>
/// The pipelines as the settings page edits them: everything changes in the draft, and one save sends the whole list to
/// <see cref="ChangePipelines"/> (the use case the API's PUT calls), which takes all of it or nothing.
/// </summary>
public sealed class PipelinesDraft
{
    public List<PipelineDraft> Pipelines { get; } = [];

    /// <summary>The fields a stage may require, in the order the page offers them (the core's <see cref="StageFields"/> list).</summary>
    public static IReadOnlyList<string> FieldCodes { get; } =
    [
        StageFields.Amount, StageFields.ExpectedCloseDate, StageFields.NextStep, StageFields.ProposalReference,
        .. Enum.GetValues<StakeholderRole>().Select(role => StageFields.StakeholderPrefix + role),
    ];

    public static PipelinesDraft From(IReadOnlyList<PipelineView> views)
    {
        var draft = new PipelinesDraft();
        draft.Pipelines.AddRange(views.Select(p => new PipelineDraft
        {
            Id = p.Id,
            Name = p.Name,
            Active = p.Active,
            Stages = [.. p.Stages.Select(s => new StageDraft
            {
                Id = s.Id,
                SavedName = s.Name,
                Name = s.Name,
                Probability = s.Probability,
                ForecastCategory = s.ForecastCategory,
                StaleAfterDays = s.StaleAfterDays,
                Requires = [.. s.Requires],
                Meaning = s.Meaning,
                SavedMeaning = s.Meaning,
                Active = s.Active,
            })],
        }));
        return draft;
    }

    public ChangePipelinesRequest ToRequest() => new()
    {
        Pipelines = [.. Pipelines.Select(p => new PipelineSetting
        {
            Id = p.Id,
            Name = p.Name?.Trim() ?? "",
            Active = p.Active,
            Stages = [.. p.Stages.Select(s => new StageSetting
            {
                Id = s.Id,
                Name = s.Name?.Trim() ?? "",
                Probability = s.Probability,
                ForecastCategory = s.ForecastCategory,
                StaleAfterDays = s.StaleAfterDays,
                Requires = [.. FieldCodes.Where(s.Requires.Contains)],
                Meaning = s.Meaning,
                Active = s.Active,
            })],
        })],
    };

    /// <summary>
    /// The use case's own rules, checked before sending so each message is in the user's language and sits on its field;
    /// the keys are the use case's (<c>pipelines[0].stages[2].name</c>), so its refusals land on the same fields.
    /// </summary>
    public Dictionary<string, string[]> Validate(IStringLocalizer l)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Pipelines.Any(p => p.Active))
        {
            errors["pipelines"] = [l["PipelineSettings.Error.NoActivePipeline"]];
        }

        for (var i = 0; i < Pipelines.Count; i++)
        {
            var pipeline = Pipelines[i];
            var at = $"pipelines[{i}]";
            if (!IsName(pipeline.Name))
            {
                errors[$"{at}.name"] = [l["PipelineSettings.Error.Name"]];
            }
            else if (Pipelines.Take(i).Any(o => SameName(o.Name, pipeline.Name)))
            {
                errors[$"{at}.name"] = [l["PipelineSettings.Error.PipelineNameTaken"]];
            }

            if (!pipeline.Stages.Any(s => s.Active && s.Meaning == StageMeaning.Sql))
            {
                errors[$"{at}.stages"] = [l["PipelineSettings.Error.NoSqlStage"]];
            }

            for (var j = 0; j < pipeline.Stages.Count; j++)
            {
                var stage = pipeline.Stages[j];
                var where = $"{at}.stages[{j}]";
                if (!IsName(stage.Name))
                {
                    errors[$"{where}.name"] = [l["PipelineSettings.Error.Name"]];
                }
                else if (pipeline.Stages.Take(j).Any(o => SameName(o.Name, stage.Name)))
                {
                    errors[$"{where}.name"] = [l["PipelineSettings.Error.StageNameTaken"]];
                }

                if (stage.Probability is not (>= 0 and <= 100))
                {
                    errors[$"{where}.probability"] = [l["PipelineSettings.Error.Probability"]];
                }

                if (stage.StaleAfterDays is not (>= 0 and <= 3650))
                {
                    errors[$"{where}.staleAfterDays"] = [l["PipelineSettings.Error.StaleDays"]];
                }
            }
        }

        return errors;
    }

    private static bool IsName(string? name) => !string.IsNullOrWhiteSpace(name) && name.Trim().Length <= 100;

    private static bool SameName(string? one, string? other) => string.Equals(one?.Trim(), other?.Trim(), StringComparison.OrdinalIgnoreCase);
}

public sealed class PipelineDraft
{
    /// <summary>Keeps a pipeline's fields with it when the list changes (Blazor's @key).</summary>
    public object Key { get; } = new();

    public Guid? Id { get; set; }

    public string? Name { get; set; }

    public bool Active { get; set; } = true;

    public List<StageDraft> Stages { get; set; } = [];

    public void Move(int index, int by)
    {
        var to = index + by;
        if (index < 0 || index >= Stages.Count || to < 0 || to >= Stages.Count)
        {
            return;
        }

        (Stages[index], Stages[to]) = (Stages[to], Stages[index]);
    }
}

public sealed class StageDraft
{
    public object Key { get; } = new();

    public Guid? Id { get; set; }

    /// <summary>The name and meaning as saved: a refusal names the stage as the organisation knows it.</summary>
    public string? SavedName { get; set; }

    public StageMeaning? SavedMeaning { get; set; }

    public string? Name { get; set; }

    public int? Probability { get; set; }

    public ForecastCategory ForecastCategory { get; set; } = ForecastCategory.Pipeline;

    public int? StaleAfterDays { get; set; } = 14;

    public IReadOnlyCollection<string> Requires { get; set; } = [];

    public StageMeaning Meaning { get; set; } = StageMeaning.Opportunity;

    public bool Active { get; set; } = true;
}
