using System.Globalization;
using Leadgate.Common;

namespace Leadgate.Scoring;

/// <summary>The kinds of behaviour a lead shows. Stored by name.</summary>
public enum BehaviourType
{
    EmailReply,
    FormSubmit,
    ContentDownload,
    DemoRequest,
    Webinar,
    PageVisit,
    NewsletterSignup,
    Custom,
}

/// <summary>The lead or company attribute an ICP criterion looks at.</summary>
public enum IcpField
{
    Industry,
    Employees,
    Country,
    JobTitle,

    /// <summary>A custom attribute of the lead, named by <see cref="IcpCriterion.Key"/>; leads do not carry them yet, so it is always unknown.</summary>
    Custom,
}

/// <summary>What an unknown value (no industry, no employee count, …) does to the fit score.</summary>
public enum WhenUnknown
{
    /// <summary>The criterion is left out: it adds nothing to the points possible.</summary>
    Neutral,

    /// <summary>The criterion counts as missed: its weight is possible, nothing is earned.</summary>
    Miss,
}

/// <summary>An employee-count range (inclusive; no maximum = open-ended) and the points it earns.</summary>
public sealed record EmployeeRange
{
    public int Min { get; init; }

    public int? Max { get; init; }

    public decimal Points { get; init; }
}

/// <summary>A seniority level recognised by words in the job title (e.g. chief, ceo, vp, director, head → Senior).</summary>
public sealed record SeniorityLevel
{
    public string Name { get; init; } = "";

    public IReadOnlyList<string> Keywords { get; init; } = [];

    public decimal Points { get; init; }
}

/// <summary>
/// One weighted criterion of the ideal customer profile. <see cref="Weight"/> is the most it can earn. A list criterion
/// (industry, country, custom) earns its whole weight when the value is in <see cref="Values"/>; employee counts earn the
/// points of the first matching range; job titles the points of the first level one of whose keywords they contain.
/// </summary>
public sealed record IcpCriterion
{
    public string Name { get; init; } = "";

    public IcpField Attribute { get; init; }

    public decimal Weight { get; init; }

    public WhenUnknown WhenUnknown { get; init; } = WhenUnknown.Neutral;

    public IReadOnlyList<string> Values { get; init; } = [];

    public IReadOnlyList<EmployeeRange> Ranges { get; init; } = [];

    public IReadOnlyList<SeniorityLevel> Levels { get; init; } = [];

    /// <summary>The custom attribute's name, for <see cref="IcpField.Custom"/>.</summary>
    public string? Key { get; init; }
}

/// <summary>Points for one behaviour type: each event's points, the most the type can add, and whether it counts more than once.</summary>
public sealed record EventRule
{
    public BehaviourType Type { get; init; }

    public decimal Points { get; init; }

    /// <summary>The most this type adds to the engagement score (after decay); none = no cap.</summary>
    public decimal? Cap { get; init; }

    public bool Repeatable { get; init; } = true;
}

/// <summary>
/// An organisation's scoring settings: the ICP (fit), the points per behaviour (engagement), decay, the MQL thresholds
/// and the hand-raise types. Stored as one JSON document per organisation.
/// </summary>
public sealed record ScoringModel
{
    public const int MaxCriteria = 50;

    public IReadOnlyList<IcpCriterion> Criteria { get; init; } = [];

    public IReadOnlyList<EventRule> Events { get; init; } = [];

    /// <summary>After this many days an event's points are halved; 0 = no decay.</summary>
    public decimal HalfLifeDays { get; init; } = 30;

    public decimal FitThreshold { get; init; } = 60;

    public decimal EngagementThreshold { get; init; } = 40;

    public IReadOnlyList<BehaviourType> HandRaiseTypes { get; init; } = [BehaviourType.EmailReply, BehaviourType.DemoRequest];

    /// <summary>
    /// The optional likelihood rule (docs/prediction.md#likelihood-as-an-mql-rule): an Iql lead (or Nurture past its revisit
    /// date) whose likelihood by the active model is at least this (0.6 = 60%) becomes an MQL too. Null, the default: off.
    /// </summary>
    public decimal? LikelihoodThreshold { get; init; }

    /// <summary>What a new organisation starts with: size and seniority as the ICP, typical B2B points.</summary>
    public static ScoringModel Default { get; } = new()
    {
        Criteria =
        [
            new IcpCriterion
            {
                Name = "Company size",
                Attribute = IcpField.Employees,
                Weight = 50,
                WhenUnknown = WhenUnknown.Neutral,
                Ranges = [new() { Min = 50, Max = 5_000, Points = 50 }, new() { Min = 10, Max = 49, Points = 25 }, new() { Min = 5_001, Points = 30 }],
            },
            new IcpCriterion
            {
                Name = "Seniority",
                Attribute = IcpField.JobTitle,
                Weight = 50,
                WhenUnknown = WhenUnknown.Neutral,
                Levels =
                [
                    new() { Name = "Senior", Keywords = ["chief", "ceo", "cfo", "cto", "coo", "cmo", "vp", "director", "head", "founder", "owner"], Points = 50 },
                    new() { Name = "Manager", Keywords = ["manager", "lead", "teamlead"], Points = 30 },
                ],
            },
        ],
        Events =
        [
            new EventRule { Type = BehaviourType.EmailReply, Points = 30, Cap = 60 },
            new EventRule { Type = BehaviourType.FormSubmit, Points = 15, Cap = 45 },
            new EventRule { Type = BehaviourType.ContentDownload, Points = 10, Cap = 30 },
            new EventRule { Type = BehaviourType.DemoRequest, Points = 50, Cap = 50, Repeatable = false },
            new EventRule { Type = BehaviourType.Webinar, Points = 15, Cap = 30 },
            new EventRule { Type = BehaviourType.PageVisit, Points = 2, Cap = 20 },
            new EventRule { Type = BehaviourType.NewsletterSignup, Points = 5, Repeatable = false },
            new EventRule { Type = BehaviourType.Custom, Points = 5, Cap = 20 },
        ],
    };

    public EventRule? RuleFor(BehaviourType type) => Events.FirstOrDefault(e => e.Type == type);

    /// <summary>The name a stage change by the threshold rule carries as its actor.</summary>
    public string LikelihoodRuleName => string.Create(CultureInfo.InvariantCulture, $"Prediction: likelihood ≥ {LikelihoodThreshold * 100:0.##}%");

    public string ThresholdRuleName => string.Create(CultureInfo.InvariantCulture, $"Scoring: fit ≥ {FitThreshold:0.##} and engagement ≥ {EngagementThreshold:0.##}");

    /// <summary>Checks every field, naming each bad one the way the JSON names it (e.g. <c>criteria[1].ranges[0].points</c>).</summary>
    public Invalid? Validate()
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];

        if (Criteria is null || Events is null || HandRaiseTypes is null)
        {
            Add("body", "criteria, events and handRaiseTypes must be lists.");
            return new Invalid(errors);
        }

        if (Criteria.Count > MaxCriteria)
        {
            Add("criteria", $"At most {MaxCriteria} criteria.");
        }

        for (var i = 0; i < Criteria.Count; i++)
        {
            ValidateCriterion(Criteria[i], $"criteria[{i}]", Add);
        }

        for (var i = 0; i < Events.Count; i++)
        {
            var rule = Events[i];
            var at = $"events[{i}]";
            if (rule is null)
            {
                Add(at, "An event rule is required.");
                continue;
            }

            if (!Enum.IsDefined(rule.Type))
            {
                Add(at + ".type", "Unknown behaviour type.");
            }
            else if (Events.Take(i).Any(e => e?.Type == rule.Type))
            {
                Add(at + ".type", $"{rule.Type} has a rule already.");
            }

            if (rule.Points is < 0 or > 1_000)
            {
                Add(at + ".points", "Between 0 and 1,000.");
            }

            if (rule.Cap is < 0 or > 10_000)
            {
                Add(at + ".cap", "Between 0 and 10,000, or leave it out for no cap.");
            }
        }

        if (HalfLifeDays is < 0 or > 3_650)
        {
            Add("halfLifeDays", "Between 0 (no decay) and 3,650 days.");
        }

        if (FitThreshold is < 0 or > 100)
        {
            Add("fitThreshold", "Between 0 and 100.");
        }

        if (EngagementThreshold is < 0 or > 100_000)
        {
            Add("engagementThreshold", "Between 0 and 100,000.");
        }

        if (LikelihoodThreshold is <= 0 or > 1)
        {
            Add("likelihoodThreshold", "Above 0 and at most 1 (0.6 is 60%), or leave it out to keep the likelihood rule off.");
        }

        if (HandRaiseTypes.Any(t => !Enum.IsDefined(t)))
        {
            Add("handRaiseTypes", "Unknown behaviour type.");
        }

        return errors.Count == 0 ? null : new Invalid(errors);
    }

    private static void ValidateCriterion(IcpCriterion? criterion, string at, Action<string, string> add)
    {
        if (criterion is null)
        {
            add(at, "A criterion is required.");
            return;
        }

        if (string.IsNullOrWhiteSpace(criterion.Name) || criterion.Name.Length > 100)
        {
            add(at + ".name", "A name of 1 to 100 characters is required.");
        }

        if (!Enum.IsDefined(criterion.Attribute))
        {
            add(at + ".attribute", "Unknown attribute.");
        }

        if (!Enum.IsDefined(criterion.WhenUnknown))
        {
            add(at + ".whenUnknown", "Neutral or Miss.");
        }

        var weightValid = criterion.Weight is > 0 and <= 1_000;
        if (!weightValid)
        {
            add(at + ".weight", "Greater than 0, at most 1,000.");
        }

        var values = criterion.Values ?? [];
        var ranges = criterion.Ranges ?? [];
        var levels = criterion.Levels ?? [];
        switch (criterion.Attribute)
        {
            case IcpField.Industry or IcpField.Country or IcpField.Custom:
                if (values.Count is 0 or > 500 || values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 200))
                {
                    add(at + ".values", "1 to 500 values of 1 to 200 characters.");
                }

                if (criterion.Attribute == IcpField.Custom && (string.IsNullOrWhiteSpace(criterion.Key) || criterion.Key.Length > 100))
                {
                    add(at + ".key", "The custom attribute's name (1 to 100 characters).");
                }

                break;
            case IcpField.Employees:
                if (ranges.Count is 0 or > 20)
                {
                    add(at + ".ranges", "1 to 20 ranges.");
                }

                for (var r = 0; r < ranges.Count; r++)
                {
                    var range = ranges[r];
                    if (range is null || range.Min < 0 || range.Max < range.Min)
                    {
                        add($"{at}.ranges[{r}]", "min ≥ 0 and max ≥ min (or no max).");
                    }
                    else if (weightValid && (range.Points < 0 || range.Points > criterion.Weight))
                    {
                        add($"{at}.ranges[{r}].points", "Between 0 and the criterion's weight.");
                    }
                }

                break;
            case IcpField.JobTitle:
                if (levels.Count is 0 or > 20)
                {
                    add(at + ".levels", "1 to 20 seniority levels.");
                }

                for (var l = 0; l < levels.Count; l++)
                {
                    var level = levels[l];
                    if (level is null || level.Keywords is null || level.Keywords.Count is 0 or > 100 || level.Keywords.Any(k => string.IsNullOrWhiteSpace(k) || k.Length > 50))
                    {
                        add($"{at}.levels[{l}].keywords", "1 to 100 keywords of 1 to 50 characters.");
                    }
                    else if (weightValid && (level.Points < 0 || level.Points > criterion.Weight))
                    {
                        add($"{at}.levels[{l}].points", "Between 0 and the criterion's weight.");
                    }
                }

                break;
        }
    }
}
