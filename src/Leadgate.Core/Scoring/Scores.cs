using System.Globalization;

namespace Leadgate.Scoring;

/// <summary>What fit looks at: the company's and the contact's attributes, any of which may be unknown.</summary>
public sealed record LeadFacts(string? Industry, int? Employees, string? Country, string? JobTitle, IReadOnlyDictionary<string, string>? Custom = null);

/// <summary>One behaviour event as scoring sees it.</summary>
public sealed record ScoredEvent(string ExternalId, BehaviourType Type, DateTimeOffset OccurredAt);

public enum CriterionOutcome
{
    Match,
    PartialMatch,
    Miss,

    /// <summary>The value is unknown and the criterion is neutral: left out of the points possible.</summary>
    UnknownLeftOut,

    /// <summary>The value is unknown and the criterion counts it as a miss.</summary>
    UnknownCountedAsMiss,
}

/// <summary>What one ICP criterion gave: the value it saw, the points earned out of those possible, and why.</summary>
public sealed record CriterionLine(string Criterion, IcpField Attribute, string? Value, CriterionOutcome Outcome, decimal Points, decimal Possible, string Explanation);

/// <summary>One event's share: its points when it happened and what is left after decay.</summary>
public sealed record EventLine(string ExternalId, DateTimeOffset OccurredAt, decimal Points, decimal AfterDecay);

/// <summary>
/// What one behaviour type gave: <c>RawPoints − DecayedAway − CappedAway = Points</c>. Events lists the counted events,
/// newest first, at most <see cref="EngagementScoring.EventsShownPerType"/> of them.
/// </summary>
public sealed record TypeLine(
    BehaviourType Type, int Count, int Counted, bool Repeatable, decimal PointsEach, decimal? Cap,
    decimal RawPoints, decimal DecayedAway, decimal CappedAway, decimal Points, IReadOnlyList<EventLine> Events);

public sealed record FitResult(decimal? Score, decimal Earned, decimal Possible, IReadOnlyList<CriterionLine> Criteria);

public sealed record EngagementResult(decimal Score, IReadOnlyList<TypeLine> Types);

/// <summary>Where the lead stands against the MQL rule right now.</summary>
public sealed record RuleStanding(decimal FitThreshold, decimal EngagementThreshold, bool FitMet, bool EngagementMet, BehaviourType? HandRaise, bool Qualifies);

/// <summary>
/// Every contribution to a lead's scores at the moment it was computed (for the API: the moment of the read). Fit = 100 × FitEarned / FitPossible (null when nothing could be
/// judged); engagement = the sum of the types' points.
/// </summary>
public sealed record ScoreBreakdown(
    decimal? FitScore, decimal FitEarned, decimal FitPossible, IReadOnlyList<CriterionLine> Fit,
    decimal EngagementScore, decimal HalfLifeDays, IReadOnlyList<TypeLine> Engagement, RuleStanding Rule)
{
    /// <summary>Scores a lead: a pure function of the model, its facts, its events and the moment.</summary>
    public static ScoreBreakdown Of(ScoringModel model, LeadFacts facts, IEnumerable<ScoredEvent> events, DateTimeOffset at)
    {
        var list = events as IReadOnlyCollection<ScoredEvent> ?? [.. events];
        var fit = FitScoring.Score(model, facts);
        var engagement = EngagementScoring.Score(model, list, at);
        var handRaise = list.Where(e => model.HandRaiseTypes.Contains(e.Type)).OrderBy(e => e.OccurredAt).Select(e => (BehaviourType?)e.Type).FirstOrDefault();
        var standing = MqlRule.Standing(model, fit.Score, engagement.Score, handRaise);
        return new ScoreBreakdown(fit.Score, fit.Earned, fit.Possible, fit.Criteria, engagement.Score, model.HalfLifeDays, engagement.Types, standing);
    }
}

/// <summary>The fit score: how well the company and the person match the ICP.</summary>
public static class FitScoring
{
    public static FitResult Score(ScoringModel model, LeadFacts facts)
    {
        var lines = model.Criteria.Select(c => Judge(c, facts)).ToList();
        var earned = lines.Sum(l => l.Points);
        var possible = lines.Sum(l => l.Possible);
        decimal? score = possible == 0 ? null : Math.Round(100m * earned / possible, 1, MidpointRounding.AwayFromZero);
        return new FitResult(score, earned, possible, lines);
    }

    private static CriterionLine Judge(IcpCriterion criterion, LeadFacts facts)
    {
        var value = criterion.Attribute switch
        {
            IcpField.Industry => facts.Industry,
            IcpField.Employees => facts.Employees?.ToString(CultureInfo.InvariantCulture),
            IcpField.Country => facts.Country,
            IcpField.JobTitle => facts.JobTitle,
            IcpField.Custom => criterion.Key is { } key && facts.Custom?.TryGetValue(key, out var custom) == true ? custom : null,
        };
        if (string.IsNullOrWhiteSpace(value))
        {
            return criterion.WhenUnknown switch
            {
                WhenUnknown.Neutral => Line(criterion, null, CriterionOutcome.UnknownLeftOut, 0, 0, "unknown; left out of the points possible"),
                WhenUnknown.Miss => Line(criterion, null, CriterionOutcome.UnknownCountedAsMiss, 0, criterion.Weight, "unknown; counted as a miss"),
            };
        }

        switch (criterion.Attribute)
        {
            case IcpField.Employees:
                var employees = facts.Employees!.Value;
                var range = criterion.Ranges.FirstOrDefault(r => employees >= r.Min && (r.Max is null || employees <= r.Max));
                return range is null
                    ? Line(criterion, value, CriterionOutcome.Miss, 0, criterion.Weight, "in no range")
                    : Line(criterion, value, Outcome(range.Points, criterion.Weight), range.Points, criterion.Weight,
                        range.Max is { } max ? $"in range {range.Min}–{max}" : $"in range {range.Min} or more");
            case IcpField.JobTitle:
                var words = Words(value);
                foreach (var level in criterion.Levels)
                {
                    if (level.Keywords.FirstOrDefault(k => Words(k).All(words.Contains)) is { } keyword)
                    {
                        return Line(criterion, value, Outcome(level.Points, criterion.Weight), level.Points, criterion.Weight, $"{level.Name} (\"{keyword}\")");
                    }
                }

                return Line(criterion, value, CriterionOutcome.Miss, 0, criterion.Weight, "no seniority keyword");
            case IcpField.Industry or IcpField.Country or IcpField.Custom:
                var listed = criterion.Values.Any(v => string.Equals(v.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase));
                return listed
                    ? Line(criterion, value, CriterionOutcome.Match, criterion.Weight, criterion.Weight, "in the list")
                    : Line(criterion, value, CriterionOutcome.Miss, 0, criterion.Weight, "not in the list");
        }

        throw new InvalidOperationException($"No fit rule for {criterion.Attribute}.");
    }

    private static CriterionOutcome Outcome(decimal points, decimal weight) =>
        points >= weight ? CriterionOutcome.Match : points > 0 ? CriterionOutcome.PartialMatch : CriterionOutcome.Miss;

    private static CriterionLine Line(IcpCriterion c, string? value, CriterionOutcome outcome, decimal points, decimal possible, string why) =>
        new(c.Name, c.Attribute, value, outcome, points, possible, why);

    // Whole words, so "Head of Sales" is senior and "Headquarters clerk" is not.
    private static HashSet<string> Words(string text) =>
        [.. text.ToLowerInvariant().Split([' ', ',', '.', '-', '/', '&', '(', ')', '|', ';', ':'], StringSplitOptions.RemoveEmptyEntries)];
}

/// <summary>The engagement score: points per event, once or repeatable, decayed by age, capped per type.</summary>
public static class EngagementScoring
{
    public const int EventsShownPerType = 10;

    public static EngagementResult Score(ScoringModel model, IEnumerable<ScoredEvent> events, DateTimeOffset at)
    {
        var types = new List<TypeLine>();
        foreach (var group in events.GroupBy(e => e.Type).OrderBy(g => g.Key))
        {
            var rule = model.RuleFor(group.Key);
            var all = group.OrderBy(e => e.OccurredAt).ThenBy(e => e.ExternalId, StringComparer.Ordinal).ToList();
            if (rule is null)
            {
                types.Add(new TypeLine(group.Key, all.Count, 0, true, 0, null, 0, 0, 0, 0, []));
                continue;
            }

            var counted = rule.Repeatable ? all : all.Take(1).ToList();
            var lines = counted.Select(e => new EventLine(e.ExternalId, e.OccurredAt, rule.Points, Decayed(rule.Points, e.OccurredAt, at, model.HalfLifeDays))).ToList();
            var raw = rule.Points * counted.Count;
            var decayed = Round(lines.Sum(l => l.AfterDecay));
            var points = rule.Cap is { } cap ? Math.Min(cap, decayed) : decayed;
            types.Add(new TypeLine(
                group.Key, all.Count, counted.Count, rule.Repeatable, rule.Points, rule.Cap,
                raw, raw - decayed, decayed - points, points,
                [.. lines.OrderByDescending(l => l.OccurredAt).Take(EventsShownPerType).Select(l => l with { AfterDecay = Round(l.AfterDecay) })]));
        }

        return new EngagementResult(types.Sum(t => t.Points), types);
    }

    /// <summary>points × 0.5^(age / half-life); an event from the future has not aged.</summary>
    public static decimal Decayed(decimal points, DateTimeOffset occurredAt, DateTimeOffset at, decimal halfLifeDays)
    {
        if (halfLifeDays <= 0 || occurredAt >= at)
        {
            return points;
        }

        var halfLives = (at - occurredAt).TotalDays / (double)halfLifeDays;
        return points * (decimal)Math.Pow(0.5, halfLives);
    }

    private static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}

/// <summary>The MQL rule: fit and engagement at or above their thresholds, or a hand-raise.</summary>
public static class MqlRule
{
    public static RuleStanding Standing(ScoringModel model, decimal? fit, decimal engagement, BehaviourType? handRaise)
    {
        var fitMet = fit is { } f && f >= model.FitThreshold;
        var engagementMet = engagement >= model.EngagementThreshold;
        return new RuleStanding(model.FitThreshold, model.EngagementThreshold, fitMet, engagementMet, handRaise, (fitMet && engagementMet) || handRaise is not null);
    }

    /// <summary>The rule (its name, and the reason for the stage event) that makes the lead an MQL now; null when none does.</summary>
    public static (string Rule, string Reason)? Decide(ScoringModel model, decimal? fit, decimal engagement, BehaviourType? newHandRaise)
    {
        if (newHandRaise is { } type)
        {
            return ($"Hand-raise: {type}", $"{type} event received");
        }

        var standing = Standing(model, fit, engagement, null);
        return standing.FitMet && standing.EngagementMet
            ? (model.ThresholdRuleName, string.Create(CultureInfo.InvariantCulture, $"fit {fit:0.#}, engagement {engagement:0.##}"))
            : null;
    }
}
