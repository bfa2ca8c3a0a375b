using Leadgate.Scoring;

namespace Leadgate.Tests.Domain;

/// <summary>The bulk scorer that rescoring and the decay sweep use must give exactly the numbers the explanation gives.</summary>
public sealed class QuickScoresTests
{
    private static readonly ScoringModel Capped = ScoringModel.Default with
    {
        Events =
        [
            new EventRule { Type = BehaviourType.ContentDownload, Points = 7.5m, Cap = 20 },
            new EventRule { Type = BehaviourType.DemoRequest, Points = 50, Repeatable = false },
            new EventRule { Type = BehaviourType.PageVisit, Points = 1.25m },
        ],
        HalfLifeDays = 7,
    };

    private static readonly string?[] Titles = ["Head of Sales", "Marketing Manager", "Intern", null, "VP Engineering"];

    public static TheoryData<string> Models => new() { "default", "capped", "no decay" };

    private static ScoringModel Model(string name) => name switch
    {
        "default" => ScoringModel.Default,
        "capped" => Capped,
        _ => Capped with { HalfLifeDays = 0 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void QuickScores_AreTheBreakdownsScores_ForAnyFactsAndEvents(string name)
    {
        var model = Model(name);
        var quick = new QuickScores(model);
        var random = new Random(7);
        var at = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        var types = Enum.GetValues<BehaviourType>();
        for (var lead = 0; lead < 500; lead++)
        {
            var facts = new LeadFacts(null, random.Next(5) == 0 ? null : random.Next(1, 10_000), null, Titles[random.Next(Titles.Length)]);
            var events = Enumerable.Range(0, random.Next(0, 30))
                .Select(i => new ScoredEvent($"e{i}", types[random.Next(types.Length)], at.AddMinutes(-random.Next(0, 400 * 24 * 60)).AddDays(random.Next(20) == 0 ? 2 : 0)))
                .ToList();

            var expected = ScoreBreakdown.Of(model, facts, events, at);

            Assert.Equal(expected.FitScore, quick.Fit(facts));
            Assert.Equal(expected.EngagementScore, quick.Engagement([.. events.Select(e => new TimedEvent(e.Type, e.OccurredAt.UtcTicks))], at));
        }
    }
}
