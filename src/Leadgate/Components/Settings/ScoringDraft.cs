using Leadgate.Scoring;

namespace Leadgate.Web.Components.Settings;

/// <summary>
/// The scoring settings form's editable state. <see cref="ScoringModel"/> is immutable (records and read-only lists), and
/// its lists of words are easier to edit as one comma-separated text, so the form keeps a mutable draft and turns it
/// into a model for the preview, the validation and the save.
/// </summary>
public sealed class ScoringDraft
{
    public List<CriterionDraft> Criteria { get; } = [];

    public List<EventDraft> Events { get; } = [];

    public decimal HalfLifeDays { get; set; }

    public decimal FitThreshold { get; set; }

    public decimal EngagementThreshold { get; set; }

    /// <summary>The likelihood rule's threshold in percent (the model keeps a fraction); empty: the rule is off.</summary>
    public decimal? LikelihoodPercent { get; set; }

    public static ScoringDraft From(ScoringModel model)
    {
        var draft = new ScoringDraft { HalfLifeDays = model.HalfLifeDays, FitThreshold = model.FitThreshold, EngagementThreshold = model.EngagementThreshold, LikelihoodPercent = model.LikelihoodThreshold * 100 };
        draft.Criteria.AddRange(model.Criteria.Select(CriterionDraft.From));
        foreach (var type in Enum.GetValues<BehaviourType>())
        {
            var rule = model.RuleFor(type);
            draft.Events.Add(new EventDraft
            {
                Type = type,
                Scored = rule is not null,
                Points = rule?.Points ?? 0,
                Cap = rule?.Cap,
                Repeatable = rule?.Repeatable ?? true,
                HandRaise = model.HandRaiseTypes.Contains(type),
            });
        }

        return draft;
    }

    public ScoringModel ToModel() => new()
    {
        Criteria = [.. Criteria.Select(c => c.ToCriterion())],
        Events = [.. Events.Where(e => e.Scored).Select(e => new EventRule { Type = e.Type, Points = e.Points, Cap = e.Cap, Repeatable = e.Repeatable })],
        HalfLifeDays = HalfLifeDays,
        FitThreshold = FitThreshold,
        EngagementThreshold = EngagementThreshold,
        LikelihoodThreshold = LikelihoodPercent / 100,
        HandRaiseTypes = [.. Events.Where(e => e.HandRaise).Select(e => e.Type)],
    };

    /// <summary>The field names the core's validation uses, e.g. <c>events[2].points</c>: only scored types are in the model's list.</summary>
    public string EventField(EventDraft rule, string property) =>
        $"events[{Events.Where(e => e.Scored).ToList().IndexOf(rule)}].{property}";

    public static CriterionDraft NewCriterion(IcpField attribute) => attribute switch
    {
        IcpField.Industry => new CriterionDraft { Name = "Industry", Attribute = attribute, Weight = 20 },
        IcpField.Country => new CriterionDraft { Name = "Country", Attribute = attribute, Weight = 10 },
        IcpField.Custom => new CriterionDraft { Name = "Custom attribute", Attribute = attribute, Weight = 10 },
        IcpField.Employees => new CriterionDraft { Name = "Company size", Attribute = attribute, Weight = 30, Ranges = { new RangeDraft { Min = 50, Max = 5_000, Points = 30 } } },
        IcpField.JobTitle => new CriterionDraft { Name = "Seniority", Attribute = attribute, Weight = 30, Levels = { new LevelDraft { Name = "Senior", Keywords = "chief, director, head, vp", Points = 30 } } },
    };

    internal static IReadOnlyList<string> Words(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

public sealed class CriterionDraft
{
    public string Name { get; set; } = "";

    public IcpField Attribute { get; set; }

    public decimal Weight { get; set; }

    public WhenUnknown WhenUnknown { get; set; } = WhenUnknown.Neutral;

    /// <summary>The list's values, comma-separated.</summary>
    public string Values { get; set; } = "";

    public string? Key { get; set; }

    public List<RangeDraft> Ranges { get; } = [];

    public List<LevelDraft> Levels { get; } = [];

    public static CriterionDraft From(IcpCriterion criterion)
    {
        var draft = new CriterionDraft
        {
            Name = criterion.Name,
            Attribute = criterion.Attribute,
            Weight = criterion.Weight,
            WhenUnknown = criterion.WhenUnknown,
            Values = string.Join(", ", criterion.Values),
            Key = criterion.Key,
        };
        draft.Ranges.AddRange(criterion.Ranges.Select(r => new RangeDraft { Min = r.Min, Max = r.Max, Points = r.Points }));
        draft.Levels.AddRange(criterion.Levels.Select(l => new LevelDraft { Name = l.Name, Keywords = string.Join(", ", l.Keywords), Points = l.Points }));
        return draft;
    }

    public IcpCriterion ToCriterion() => new()
    {
        Name = Name,
        Attribute = Attribute,
        Weight = Weight,
        WhenUnknown = WhenUnknown,
        Values = Attribute is IcpField.Industry or IcpField.Country or IcpField.Custom ? ScoringDraft.Words(Values) : [],
        Key = Attribute == IcpField.Custom ? Key : null,
        Ranges = Attribute == IcpField.Employees ? [.. Ranges.Select(r => new EmployeeRange { Min = r.Min, Max = r.Max, Points = r.Points })] : [],
        Levels = Attribute == IcpField.JobTitle ? [.. Levels.Select(l => new SeniorityLevel { Name = l.Name, Keywords = ScoringDraft.Words(l.Keywords), Points = l.Points })] : [],
    };
}

public sealed class RangeDraft
{
    public int Min { get; set; }

    public int? Max { get; set; }

    public decimal Points { get; set; }
}

public sealed class LevelDraft
{
    public string Name { get; set; } = "";

    /// <summary>Comma-separated keywords.</summary>
    public string Keywords { get; set; } = "";

    public decimal Points { get; set; }
}

public sealed class EventDraft
{
    public BehaviourType Type { get; set; }

    /// <summary>Whether the type earns points at all (has a rule in the model).</summary>
    public bool Scored { get; set; }

    public decimal Points { get; set; }

    public decimal? Cap { get; set; }

    public bool Repeatable { get; set; } = true;

    public bool HandRaise { get; set; }
}
