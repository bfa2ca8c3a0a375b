using Leadgate.Accounts;
using Leadgate.Leads;
using Leadgate.Scoring;

namespace Leadgate.Tests.Domain;

/// <summary>The pure scoring functions: fit with unknowns, points, caps, once or repeatable, decay, the rule and its explanation.</summary>
public sealed class ScoringTests
{
    private static readonly DateTimeOffset Now = Given.Start;

    private static readonly IcpCriterion Industry = new()
    {
        Name = "Industry", Attribute = IcpField.Industry, Weight = 40, WhenUnknown = WhenUnknown.Neutral, Values = ["Logistics", "Manufacturing"],
    };

    private static readonly IcpCriterion Size = new()
    {
        Name = "Size", Attribute = IcpField.Employees, Weight = 60, WhenUnknown = WhenUnknown.Miss,
        Ranges = [new() { Min = 50, Max = 1_000, Points = 60 }, new() { Min = 10, Max = 49, Points = 30 }],
    };

    private static readonly IcpCriterion Seniority = new()
    {
        Name = "Seniority", Attribute = IcpField.JobTitle, Weight = 20,
        Levels = [new() { Name = "Senior", Keywords = ["chief", "ceo", "cfo", "vp", "director", "head"], Points = 20 }, new() { Name = "Manager", Keywords = ["manager"], Points = 10 }],
    };

    private static ScoringModel Model(params EventRule[] rules) => new()
    {
        Criteria = [Industry, Size],
        Events = rules,
        HalfLifeDays = 30,
        FitThreshold = 60,
        EngagementThreshold = 40,
    };

    private static ScoredEvent Event(BehaviourType type, int daysAgo, string? id = null) =>
        new(id ?? Guid.NewGuid().ToString("N"), type, Now.AddDays(-daysAgo));

    [Fact]
    public void Fit_IsPointsEarnedOverPointsPossible()
    {
        var fit = FitScoring.Score(Model(), new LeadFacts("Logistics", 20, "NL", "CFO"));

        Assert.Equal(70m, fit.Earned);
        Assert.Equal(100m, fit.Possible);
        Assert.Equal(70m, fit.Score);
        Assert.Equal([CriterionOutcome.Match, CriterionOutcome.PartialMatch], fit.Criteria.Select(c => c.Outcome));
    }

    [Fact]
    public void Fit_AnUnknownValueOfANeutralCriterion_IsLeftOutOfThePointsPossible()
    {
        var fit = FitScoring.Score(Model(), new LeadFacts(null, 200, null, null));

        Assert.Equal(100m, fit.Score);
        var industry = fit.Criteria.Single(c => c.Criterion == "Industry");
        Assert.Equal((CriterionOutcome.UnknownLeftOut, 0m, 0m), (industry.Outcome, industry.Points, industry.Possible));
    }

    [Fact]
    public void Fit_AnUnknownValueOfAMissCriterion_CountsAsAMiss()
    {
        var fit = FitScoring.Score(Model(), new LeadFacts("Logistics", null, null, null));

        Assert.Equal(40m, fit.Score);
        var size = fit.Criteria.Single(c => c.Criterion == "Size");
        Assert.Equal((CriterionOutcome.UnknownCountedAsMiss, 0m, 60m), (size.Outcome, size.Points, size.Possible));
    }

    [Fact]
    public void Fit_WithNothingToJudge_IsUnknownRatherThanZero()
    {
        var model = Model() with { Criteria = [Industry] };

        Assert.Null(FitScoring.Score(model, new LeadFacts(null, null, null, null)).Score);
        Assert.Equal(0m, FitScoring.Score(model, new LeadFacts("Retail", null, null, null)).Score);
    }

    [Theory]
    [InlineData("VP Sales", "Senior", 20)]
    [InlineData("Head of Operations", "Senior", 20)]
    [InlineData("Chief Financial Officer", "Senior", 20)]
    [InlineData("Office Manager", "Manager", 10)]
    [InlineData("Headquarters clerk", null, 0)]
    public void Fit_JobTitleKeywords_MapToSeniorityByWholeWords(string title, string? level, int points)
    {
        var fit = FitScoring.Score(Model() with { Criteria = [Seniority] }, new LeadFacts(null, null, null, title));

        var line = Assert.Single(fit.Criteria);
        Assert.Equal((decimal)points, line.Points);
        if (level is null)
        {
            Assert.Equal(CriterionOutcome.Miss, line.Outcome);
        }
        else
        {
            Assert.StartsWith(level, line.Explanation, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Fit_ACustomAttributeLeadsDoNotCarryYet_IsHandledAsUnknown()
    {
        var custom = new IcpCriterion { Name = "Uses SAP", Attribute = IcpField.Custom, Key = "erp", Values = ["SAP"], Weight = 10, WhenUnknown = WhenUnknown.Miss };

        var fit = FitScoring.Score(Model() with { Criteria = [custom] }, new LeadFacts(null, null, null, null));
        var known = FitScoring.Score(Model() with { Criteria = [custom] }, new LeadFacts(null, null, null, null, new Dictionary<string, string> { ["erp"] = "sap" }));

        Assert.Equal(0m, fit.Score);
        Assert.Equal(CriterionOutcome.UnknownCountedAsMiss, fit.Criteria[0].Outcome);
        Assert.Equal(100m, known.Score);
    }

    [Fact]
    public void Engagement_ACapLimitsWhatATypeAdds_AndTheBreakdownShowsWhatItTookAway()
    {
        var model = Model(new EventRule { Type = BehaviourType.PageVisit, Points = 5, Cap = 20 }) with { HalfLifeDays = 0 };

        var result = EngagementScoring.Score(model, [.. Enumerable.Range(0, 7).Select(_ => Event(BehaviourType.PageVisit, 0))], Now);

        Assert.Equal(20m, result.Score);
        var line = Assert.Single(result.Types);
        Assert.Equal((7, 7, 35m, 0m, 15m, 20m, 20m), (line.Count, line.Counted, line.RawPoints, line.DecayedAway, line.CappedAway, line.Points, line.Cap!.Value));
    }

    [Fact]
    public void Engagement_AOnceType_CountsOnlyItsFirstEvent_ARepeatableTypeEveryEvent()
    {
        var model = Model(
            new EventRule { Type = BehaviourType.NewsletterSignup, Points = 5, Repeatable = false },
            new EventRule { Type = BehaviourType.ContentDownload, Points = 10 }) with { HalfLifeDays = 0 };

        var result = EngagementScoring.Score(model, [Event(BehaviourType.NewsletterSignup, 3, "first"), Event(BehaviourType.NewsletterSignup, 1), Event(BehaviourType.ContentDownload, 2), Event(BehaviourType.ContentDownload, 1)], Now);

        Assert.Equal(25m, result.Score);
        var newsletter = result.Types.Single(t => t.Type == BehaviourType.NewsletterSignup);
        Assert.Equal((2, 1, 5m), (newsletter.Count, newsletter.Counted, newsletter.Points));
        Assert.Equal("first", Assert.Single(newsletter.Events).ExternalId);
    }

    [Fact]
    public void Engagement_AfterOneHalfLife_AnEventGivesHalfItsPoints_AfterTwoAQuarter()
    {
        var model = Model(new EventRule { Type = BehaviourType.ContentDownload, Points = 10 });
        var download = Event(BehaviourType.ContentDownload, 0);

        Assert.Equal(10m, EngagementScoring.Score(model, [download], Now).Score);
        Assert.Equal(5m, EngagementScoring.Score(model, [download], Now.AddDays(30)).Score);
        var later = EngagementScoring.Score(model, [download], Now.AddDays(60));
        Assert.Equal(2.5m, later.Score);
        Assert.Equal(7.5m, later.Types[0].DecayedAway);
    }

    [Fact]
    public void Engagement_ATypeWithoutARule_IsShownWithNoPoints()
    {
        var result = EngagementScoring.Score(Model(), [Event(BehaviourType.Webinar, 1)], Now);

        Assert.Equal(0m, result.Score);
        Assert.Equal((BehaviourType.Webinar, 1, 0), (result.Types[0].Type, result.Types[0].Count, result.Types[0].Counted));
    }

    [Fact]
    public void Breakdown_SumsToTheScores_LineByLine()
    {
        var model = ScoringModel.Default with { Criteria = [Industry, Size, Seniority] };
        var events = new[]
        {
            Event(BehaviourType.PageVisit, 1), Event(BehaviourType.PageVisit, 12), Event(BehaviourType.PageVisit, 40),
            Event(BehaviourType.ContentDownload, 3), Event(BehaviourType.ContentDownload, 5), Event(BehaviourType.ContentDownload, 9), Event(BehaviourType.ContentDownload, 70),
            Event(BehaviourType.Webinar, 17), Event(BehaviourType.NewsletterSignup, 100), Event(BehaviourType.NewsletterSignup, 2),
        };

        var breakdown = ScoreBreakdown.Of(model, new LeadFacts("Retail", 75, "DE", "Marketing Manager"), events, Now);

        Assert.Equal(breakdown.EngagementScore, breakdown.Engagement.Sum(t => t.Points));
        Assert.All(breakdown.Engagement, t => Assert.Equal(t.Points, t.RawPoints - t.DecayedAway - t.CappedAway));
        Assert.Equal(breakdown.FitEarned, breakdown.Fit.Sum(c => c.Points));
        Assert.Equal(breakdown.FitPossible, breakdown.Fit.Sum(c => c.Possible));
        Assert.Equal(Math.Round(100m * breakdown.FitEarned / breakdown.FitPossible, 1), breakdown.FitScore);
        Assert.Equal(10, breakdown.Engagement.Sum(t => t.Count));
    }

    [Theory]
    [InlineData(59.9, 100, false)]
    [InlineData(60, 39.99, false)]
    [InlineData(60, 40, true)]
    public void Rule_NeedsBothThresholds(double fit, double engagement, bool qualifies)
    {
        var decided = MqlRule.Decide(Model(), (decimal)fit, (decimal)engagement, null);

        Assert.Equal(qualifies, decided is not null);
        if (decided is { } rule)
        {
            Assert.Equal("Scoring: fit ≥ 60 and engagement ≥ 40", rule.Rule);
        }
    }

    [Fact]
    public void Rule_AHandRaise_QualifiesWhateverTheScores_AndIsNamedByItsType()
    {
        var decided = MqlRule.Decide(Model(), null, 0, BehaviourType.DemoRequest);

        Assert.Equal("Hand-raise: DemoRequest", decided!.Value.Rule);
    }

    [Fact]
    public void Rescore_MakesAnIqlLeadMql_WithTheRuleAsTheActor()
    {
        var lead = Given.NewLead(Now);

        var rule = LeadScoring.Rescore(lead, Model(), [Event(BehaviourType.DemoRequest, 0)], BehaviourType.DemoRequest, Now);

        Assert.Equal("Hand-raise: DemoRequest", rule);
        Assert.Equal(Stage.Mql, lead.Stage);
        var moved = lead.History[^1];
        Assert.Equal((ActorKind.Rule, "Hand-raise: DemoRequest"), (moved.ActorKind, moved.ActorName));
    }

    [Fact]
    public void Rescore_WithLowerScores_NeverMovesAnMqlLead()
    {
        var lead = Given.Mql(Now);
        var model = Model(new EventRule { Type = BehaviourType.ContentDownload, Points = 10 });

        var rule = LeadScoring.Rescore(lead, model, [Event(BehaviourType.ContentDownload, 0)], null, Now.AddDays(365));

        Assert.Null(rule);
        Assert.Equal(Stage.Mql, lead.Stage);
        Assert.True(lead.EngagementScore < 0.01m);
    }

    [Fact]
    public void Rescore_ANurtureLead_RequalifiesOnlyAfterItsRevisitDate()
    {
        var revisit = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(10);
        var lead = Given.Nurture(Now, revisit);

        Assert.Null(LeadScoring.Rescore(lead, Model(), [Event(BehaviourType.DemoRequest, 0)], BehaviourType.DemoRequest, Now.AddDays(5)));
        Assert.Equal(Stage.Nurture, lead.Stage);

        Assert.NotNull(LeadScoring.Rescore(lead, Model(), [Event(BehaviourType.DemoRequest, 0)], BehaviourType.DemoRequest, Now.AddDays(10)));
        Assert.Equal(Stage.Mql, lead.Stage);
    }

    [Fact]
    public void Model_Validation_NamesEachBadField()
    {
        var bad = ScoringModel.Default with
        {
            Criteria = [Industry with { Weight = 0 }, Size with { Ranges = [new() { Min = 10, Max = 5, Points = 1 }] }, Seniority with { Levels = [new() { Name = "x", Keywords = ["vp"], Points = 99 }] }],
            Events = [new EventRule { Type = BehaviourType.PageVisit, Points = -1 }, new EventRule { Type = BehaviourType.PageVisit, Points = 1 }],
            FitThreshold = 101,
            HalfLifeDays = -1,
        };

        var invalid = bad.Validate();

        Assert.NotNull(invalid);
        Assert.Equal(
            ["criteria[0].weight", "criteria[1].ranges[0]", "criteria[2].levels[0].points", "events[0].points", "events[1].type", "fitThreshold", "halfLifeDays"],
            invalid.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Null(ScoringModel.Default.Validate());
    }
}
