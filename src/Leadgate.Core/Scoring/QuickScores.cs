namespace Leadgate.Scoring;

/// <summary>One behaviour event as the bulk scorer sees it: its type and when it happened (UTC ticks).</summary>
public readonly record struct TimedEvent(BehaviourType Type, long OccurredAtUtcTicks);

/// <summary>
/// The two scores without their explanation, for scoring many leads at once (the rescore job, the decay sweep): the same
/// numbers as <see cref="ScoreBreakdown.Of"/>, without its lines, sorting and allocations per event. Fit depends on the
/// facts alone, so it is computed once per distinct set of facts. One instance per model; not thread-safe.
/// </summary>
public sealed class QuickScores
{
    private const int MaxCachedFacts = 100_000;

    private readonly ScoringModel _model;
    private readonly EventRule?[] _rules;
    private readonly double _halfLifeDays;
    private readonly Dictionary<LeadFacts, decimal?> _fits = [];
    private readonly decimal[] _sums;
    private readonly long[] _firsts;

    public QuickScores(ScoringModel model)
    {
        _model = model;
        var types = Enum.GetValues<BehaviourType>();
        _rules = new EventRule?[types.Max(t => (int)t) + 1];
        foreach (var type in types)
        {
            _rules[(int)type] = model.RuleFor(type);
        }

        _halfLifeDays = (double)model.HalfLifeDays;
        _sums = new decimal[_rules.Length];
        _firsts = new long[_rules.Length];
    }

    public ScoringModel Model => _model;

    public decimal? Fit(LeadFacts facts)
    {
        if (!_fits.TryGetValue(facts, out var fit))
        {
            if (_fits.Count >= MaxCachedFacts)
            {
                _fits.Clear();
            }

            fit = FitScoring.Score(_model, facts).Score;
            _fits[facts] = fit;
        }

        return fit;
    }

    /// <summary>Engagement as of <paramref name="at"/>: per type the decayed points summed (only the first event of a type that is not repeatable), then capped.</summary>
    public decimal Engagement(ReadOnlySpan<TimedEvent> events, DateTimeOffset at)
    {
        if (events.IsEmpty)
        {
            return 0;
        }

        Array.Clear(_sums);
        Array.Fill(_firsts, long.MaxValue);
        foreach (var e in events)
        {
            var type = (int)e.Type;
            if (_rules[type] is not { } rule)
            {
                continue;
            }

            if (rule.Repeatable)
            {
                _sums[type] += Decayed(rule.Points, e.OccurredAtUtcTicks, at);
            }
            else if (e.OccurredAtUtcTicks < _firsts[type])
            {
                _firsts[type] = e.OccurredAtUtcTicks;
            }
        }

        var total = 0m;
        for (var type = 0; type < _rules.Length; type++)
        {
            if (_rules[type] is not { } rule)
            {
                continue;
            }

            var decayed = rule.Repeatable ? _sums[type] : _firsts[type] == long.MaxValue ? 0 : Decayed(rule.Points, _firsts[type], at);
            decayed = Math.Round(decayed, 2, MidpointRounding.AwayFromZero);
            total += rule.Cap is { } cap ? Math.Min(cap, decayed) : decayed;
        }

        return total;
    }

    // As EngagementScoring.Decayed, on ticks.
    private decimal Decayed(decimal points, long occurredAtUtcTicks, DateTimeOffset at)
    {
        var age = at.UtcTicks - occurredAtUtcTicks;
        if (_halfLifeDays <= 0 || age <= 0)
        {
            return points;
        }

        return points * (decimal)Math.Pow(0.5, TimeSpan.FromTicks(age).TotalDays / _halfLifeDays);
    }
}
