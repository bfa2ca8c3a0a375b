using Leadgate.Leads;
using Leadgate.Prediction;
using Leadgate.Scoring;

namespace Leadgate.Tests.Prediction;

public sealed class LeadFeaturesTests
{
    private static readonly DateTimeOffset Now = TimeProvider.System.GetUtcNow();

    [Theory]
    [InlineData("Chief Marketing Officer", "Executive")]
    [InlineData("Directeur", "Executive")]
    [InlineData("Head of Sales", "Director")]
    [InlineData("Marketing Manager", "Manager")]
    [InlineData("Developer", "Individual contributor")]
    [InlineData("Stagiair", "Student or intern")]
    [InlineData(null, null)]
    public void Seniority_IsReadFromTheJobTitle(string? title, string? seniority) =>
        Assert.Equal(seniority, LeadFeatures.Seniority(title));

    [Fact]
    public void Example_CountsOnlyEventsKnownBeforeTheCutoff_AndTellsFreeMailFromBusiness()
    {
        var cutoff = Now.AddDays(-10);
        var facts = new PredictionFacts("Partner", "Spring", "NL", "Software", 120, "CTO", "ann@gmail.com", false, 80m,
            [(BehaviourType.DemoRequest, cutoff.AddDays(-2)), (BehaviourType.PageVisit, cutoff.AddDays(-40)), (BehaviourType.DemoRequest, cutoff.AddDays(3))],
            cutoff);

        var example = LeadFeatures.ToExample(facts, true);

        Assert.Equal(LeadFeatures.Schema.Categorical.Count, example.Categories.Count);
        Assert.Equal(LeadFeatures.Schema.Numeric.Count, example.Numbers.Count);
        Assert.Equal("free-mail", example.Categories[6]);
        Assert.Equal("50-249", example.Categories[4]);
        Assert.Equal("Executive", example.Categories[5]);
        var demo = LeadFeatures.Schema.Numeric.ToList().IndexOf("Events: DemoRequest");
        Assert.Equal(1, example.Numbers[demo]); // the one after the cutoff is not counted
        Assert.Equal(2, example.Numbers[LeadFeatures.Schema.Numeric.ToList().IndexOf("Days since last event")]!.Value, 6);
        Assert.Equal(1, example.Numbers[LeadFeatures.Schema.Numeric.ToList().IndexOf("Events in the last 30 days")]);
        Assert.Equal("business", LeadFeatures.ToExample(facts with { Email = "ann@acme.com" }, true).Categories[6]);
    }

    [Theory]
    [InlineData(Stage.Sql, Stage.Sql, 0, TargetStage.Sql, true)]
    [InlineData(Stage.Nurture, Stage.Opportunity, 200, TargetStage.Sql, true)]
    [InlineData(Stage.Disqualified, Stage.Mql, 0, TargetStage.Sql, false)]
    [InlineData(Stage.Nurture, Stage.Mql, 120, TargetStage.Sql, false)]
    [InlineData(Stage.Nurture, Stage.Mql, 30, TargetStage.Sql, null)]
    [InlineData(Stage.Mql, Stage.Mql, 400, TargetStage.Sql, null)]
    [InlineData(Stage.Opportunity, Stage.Opportunity, 0, TargetStage.Customer, null)]
    [InlineData(Stage.Customer, Stage.Customer, 0, TargetStage.Customer, true)]
    public void Outcome_ConvertedAtTheTarget_NotConvertedWhenOutOrSentBackPastTheWindow_ElseOpen(Stage stage, Stage highest, int daysInStage, TargetStage target, bool? expected) =>
        Assert.Equal(expected, TrainingLabels.Outcome(stage, highest, Now.AddDays(-daysInStage), target, TrainingLabels.DefaultRequalifyWindow, Now));
}
