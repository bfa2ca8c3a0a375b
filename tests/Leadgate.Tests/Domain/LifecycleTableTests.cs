using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Qualification;

namespace Leadgate.Tests.Domain;

/// <summary>
/// The lifecycle table of PRODUCT.md §3 against <see cref="Lifecycle.Decide"/>: every stage, action and kind of actor,
/// and every guard refusing with the code of what is missing.
/// </summary>
public sealed class LifecycleTableTests
{
    private const Who Creators = Who.System | Who.Marketing | Who.Import | Who.Api;

    private static readonly DateTimeOffset MqlAt = Given.Start;
    private static readonly DateTimeOffset Now = Given.Start.AddDays(1);

    /// <summary>PRODUCT.md §3, written out by hand so that a change to <see cref="Lifecycle.Table"/> has to be a change to the brief.</summary>
    private static readonly (LeadAction Action, Stage? From, Stage To, Who Who)[] Brief =
    [
        (LeadAction.Create, null, Stage.Iql, Creators),
        (LeadAction.Create, null, Stage.Mql, Creators),
        (LeadAction.MarkMql, Stage.Iql, Stage.Mql, Who.Rules | Who.Marketing),
        (LeadAction.Accept, Stage.Mql, Stage.Sql, Who.Sales),
        (LeadAction.Reject, Stage.Mql, Stage.Nurture, Who.Sales),
        (LeadAction.Disqualify, Stage.Mql, Stage.Disqualified, Who.Sales | Who.Marketing),
        (LeadAction.Disqualify, Stage.Iql, Stage.Disqualified, Who.Sales | Who.Marketing),
        (LeadAction.Disqualify, Stage.Nurture, Stage.Disqualified, Who.Sales | Who.Marketing),
        (LeadAction.RecordProposal, Stage.Sql, Stage.Opportunity, Who.Sales),
        (LeadAction.MarkWon, Stage.Sql, Stage.Customer, Who.Sales),
        (LeadAction.MarkWon, Stage.Opportunity, Stage.Customer, Who.Sales),
        (LeadAction.MarkLost, Stage.Sql, Stage.Nurture, Who.Sales),
        (LeadAction.MarkLost, Stage.Sql, Stage.Disqualified, Who.Sales),
        (LeadAction.MarkLost, Stage.Opportunity, Stage.Nurture, Who.Sales),
        (LeadAction.MarkLost, Stage.Opportunity, Stage.Disqualified, Who.Sales),
        (LeadAction.MarkMql, Stage.Nurture, Stage.Mql, Who.Rules | Who.Marketing),
    ];

    /// <summary>What each row's guards name when none of their facts are given.</summary>
    private static readonly Dictionary<(LeadAction, Stage?, Stage), string[]> MissingWithoutFacts = new()
    {
        [(LeadAction.Create, null, Stage.Iql)] = ["contact"],
        [(LeadAction.Create, null, Stage.Mql)] = ["contact", "mqlEvidence"],
        [(LeadAction.MarkMql, Stage.Iql, Stage.Mql)] = ["mqlEvidence"],
        [(LeadAction.Accept, Stage.Mql, Stage.Sql)] = ["conversation", "bant.need"],
        [(LeadAction.Reject, Stage.Mql, Stage.Nurture)] = ["reason"],
        [(LeadAction.Disqualify, Stage.Mql, Stage.Disqualified)] = ["reason"],
        [(LeadAction.Disqualify, Stage.Iql, Stage.Disqualified)] = ["reason"],
        [(LeadAction.Disqualify, Stage.Nurture, Stage.Disqualified)] = ["reason"],
        [(LeadAction.RecordProposal, Stage.Sql, Stage.Opportunity)] = ["amount"],
        [(LeadAction.MarkWon, Stage.Sql, Stage.Customer)] = ["amount", "closedOn"],
        [(LeadAction.MarkWon, Stage.Opportunity, Stage.Customer)] = ["amount", "closedOn"],
        [(LeadAction.MarkLost, Stage.Sql, Stage.Nurture)] = ["reason"],
        [(LeadAction.MarkLost, Stage.Sql, Stage.Disqualified)] = ["reason"],
        [(LeadAction.MarkLost, Stage.Opportunity, Stage.Nurture)] = ["reason"],
        [(LeadAction.MarkLost, Stage.Opportunity, Stage.Disqualified)] = ["reason"],
        [(LeadAction.MarkMql, Stage.Nurture, Stage.Mql)] = ["mqlEvidence"],
    };

    public static TheoryData<Stage, LeadAction, ActorUnderTest> EveryStageActionAndActor()
    {
        var data = new TheoryData<Stage, LeadAction, ActorUnderTest>();
        foreach (var stage in Enum.GetValues<Stage>())
        {
            foreach (var action in Enum.GetValues<LeadAction>())
            {
                foreach (var actor in Enum.GetValues<ActorUnderTest>())
                {
                    data.Add(stage, action, actor);
                }
            }
        }

        return data;
    }

    public static TheoryData<ActorUnderTest> EveryActor() => [.. Enum.GetValues<ActorUnderTest>()];

    public static TheoryData<int> EveryRow() => [.. Enumerable.Range(0, Lifecycle.Table.Count)];

    [Fact]
    public void Table_HoldsExactlyTheRowsOfTheProductBrief()
    {
        var table = Lifecycle.Table.Select(t => (t.Action, t.From, t.To, t.AllowedFor)).ToList();

        Assert.Equal(Brief.Length, table.Count);
        Assert.Equal(Brief.Order().ToList(), table.Order().ToList());
    }

    [Theory]
    [InlineData(ActorUnderTest.MarketingUser, Who.Marketing)]
    [InlineData(ActorUnderTest.SalesUser, Who.Sales)]
    [InlineData(ActorUnderTest.Manager, Who.None)]
    [InlineData(ActorUnderTest.Admin, Who.None)]
    [InlineData(ActorUnderTest.Rule, Who.Rules)]
    [InlineData(ActorUnderTest.Import, Who.Import)]
    [InlineData(ActorUnderTest.System, Who.System)]
    [InlineData(ActorUnderTest.ApiChannelUser, Who.Api)]
    public void PartiesOf_EachKindOfActor_CountsAsItsPartyOfTheBrief(ActorUnderTest actor, Who expected) =>
        Assert.Equal(expected, Lifecycle.PartiesOf(Given.ActorFor(actor)));

    [Fact]
    public void PartiesOf_ASalesUserThroughTheApi_KeepsTheSalesRoleAndMayCreate() =>
        Assert.Equal(Who.Sales | Who.Api, Lifecycle.PartiesOf(Given.User("Sam via API", Roles.Sales, Channel.Api)));

    [Fact]
    public void PartiesOf_AUserWithTwoRoles_CountsAsBoth() =>
        Assert.Equal(Who.Sales | Who.Marketing, Lifecycle.PartiesOf(Given.User("Both", [Roles.Sales, Roles.Marketing])));

    [Theory]
    [MemberData(nameof(EveryStageActionAndActor))]
    public void Decide_ForEveryStageActionAndActor_AllowsExactlyWhatTheTableSays(Stage from, LeadAction action, ActorUnderTest actorKind)
    {
        var actor = Given.ActorFor(actorKind);
        var parties = ExpectedParties(actorKind);
        var mayTakeAction = Lifecycle.Table.Any(t => t.Action == action && (t.AllowedFor & parties) != 0);
        var mismatches = new List<string>();

        foreach (var to in Enum.GetValues<Stage>().Select(s => (Stage?)s).Prepend(null))
        {
            var row = Lifecycle.Table.FirstOrDefault(t => t.Action == action && t.From == from && (to is null || t.To == to));
            var expected = !mayTakeAction ? "Forbidden"
                : row is null ? NotAllowed(from, to)
                : (row.AllowedFor & parties) == 0 ? "Forbidden"
                : $"Allowed {row.From}→{row.To}";

            var actual = Describe(Lifecycle.Decide(action, from, to, actor, SatisfyingFacts(action)), to);
            if (actual != expected)
            {
                mismatches.Add($"{action} {from}→{to?.ToString() ?? "(default)"}: expected {expected}, got {actual}");
            }
        }

        Assert.Empty(mismatches);
    }

    [Theory]
    [MemberData(nameof(EveryActor))]
    public void Decide_ForANewLead_LetsOnlyCreatorsStartAtIqlOrMql(ActorUnderTest actorKind)
    {
        var mayCreate = (ExpectedParties(actorKind) & Creators) != 0;
        var facts = SatisfyingFacts(LeadAction.Create);

        foreach (var to in Enum.GetValues<Stage>())
        {
            var decision = Lifecycle.Decide(LeadAction.Create, null, to, Given.ActorFor(actorKind), facts);

            if (!mayCreate)
            {
                Assert.IsType<Forbidden>(decision.Error);
            }
            else if (to is Stage.Iql or Stage.Mql)
            {
                Assert.Equal(to, Given.Succeeds(decision).To);
            }
            else
            {
                Assert.Contains("stage", Assert.IsType<Invalid>(decision.Error).Errors.Keys);
            }
        }
    }

    [Theory]
    [MemberData(nameof(EveryRow))]
    public void EveryRow_WithoutItsFacts_IsRefusedNamingWhatIsMissing(int index)
    {
        var row = Lifecycle.Table[index];
        Assert.True(MissingWithoutFacts.TryGetValue((row.Action, row.From, row.To), out var expected), $"No expectation for the row {row.Action} {row.From}→{row.To}.");
        var actor = Given.ActorFor(Enum.GetValues<ActorUnderTest>().First(a => (ExpectedParties(a) & row.AllowedFor) != 0));

        var decision = Lifecycle.Decide(row.Action, row.From, row.To, actor, new TransitionFacts(Now));

        var missing = Given.Fails<Transition, RequirementsMissing>(decision);
        Assert.Equal(expected, missing.Missing.Select(m => m.Code));
        Assert.Equal(row.To, missing.To);
        Assert.All(missing.Missing, m => Assert.False(string.IsNullOrWhiteSpace(m.Message)));
    }

    [Fact]
    public void Create_WithoutAKnownContact_IsRefusedNamingTheContact() =>
        Assert.Equal(["contact"], Codes(LeadAction.Create, null, Stage.Iql, Given.Marketer, SatisfyingFacts(LeadAction.Create) with { ContactKnown = false }));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void MarkMql_WithoutEvidence_IsRefusedNamingTheEvidence(string? reason) =>
        Assert.Equal(["mqlEvidence"], Codes(LeadAction.MarkMql, Stage.Iql, Stage.Mql, Given.ScoringRule, SatisfyingFacts(LeadAction.MarkMql) with { Reason = reason }));

    [Fact]
    public void Accept_WithoutTwoWayConversationSinceMql_IsRefusedNamingTheConversation() =>
        Assert.Equal(["conversation"], Codes(LeadAction.Accept, Stage.Mql, Stage.Sql, Given.Seller, SatisfyingFacts(LeadAction.Accept) with { Conversation = null }));

    [Fact]
    public void Accept_WithAConversationFromBeforeTheLeadBecameMql_IsRefusedNamingTheConversation()
    {
        var facts = SatisfyingFacts(LeadAction.Accept);
        var earlier = Given.Activity(facts.Lead!, ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, MqlAt.AddMinutes(-1));

        Assert.Equal(["conversation"], Codes(LeadAction.Accept, Stage.Mql, Stage.Sql, Given.Seller, facts with { Conversation = earlier }));
    }

    [Theory]
    [InlineData(ActivityType.Call, Direction.Outbound, ActivityOutcome.NoAnswer)]
    [InlineData(ActivityType.Call, Direction.Outbound, ActivityOutcome.Voicemail)]
    [InlineData(ActivityType.Call, Direction.Outbound, ActivityOutcome.MeetingBooked)]
    [InlineData(ActivityType.Meeting, Direction.Outbound, ActivityOutcome.MeetingBooked)]
    [InlineData(ActivityType.Email, Direction.Outbound, ActivityOutcome.Sent)]
    [InlineData(ActivityType.Note, Direction.Outbound, null)]
    public void Accept_WithOnlyAOneWayTouch_IsRefusedNamingTheConversation(ActivityType type, Direction direction, ActivityOutcome? outcome)
    {
        var facts = SatisfyingFacts(LeadAction.Accept);
        var touch = Given.Activity(facts.Lead!, type, direction, outcome, MqlAt.AddHours(1));

        Assert.Equal(["conversation"], Codes(LeadAction.Accept, Stage.Mql, Stage.Sql, Given.Seller, facts with { Conversation = touch }));
    }

    [Theory]
    [InlineData(BantStatus.Unknown)]
    [InlineData(BantStatus.No)]
    [InlineData(BantStatus.Partial)]
    public void Accept_WithNeedNotConfirmed_IsRefusedNamingBantNeed(BantStatus need)
    {
        var facts = SatisfyingFacts(LeadAction.Accept) with { Bant = Bant.Unassessed with { Need = new NeedAssessment(need, null) } };

        Assert.Equal(["bant.need"], Codes(LeadAction.Accept, Stage.Mql, Stage.Sql, Given.Seller, facts));
    }

    [Fact]
    public void Accept_UnderAStricterMinimum_NamesEveryDimensionThatFallsShort()
    {
        var minimum = new BantMinimum(BantStatus.Confirmed, BantStatus.Partial, BantStatus.Confirmed, null);
        var facts = SatisfyingFacts(LeadAction.Accept) with { Minimum = minimum };

        Assert.Equal(["bant.budget", "bant.authority"], Codes(LeadAction.Accept, Stage.Mql, Stage.Sql, Given.Seller, facts));

        var partialAuthority = facts.Bant! with
        {
            Budget = new BudgetAssessment(BantStatus.Confirmed, null, 20_000m),
            Authority = new AuthorityAssessment(BantStatus.Partial, null, "Grace", "CFO"),
        };
        Given.Succeeds(Lifecycle.Decide(LeadAction.Accept, Stage.Mql, Stage.Sql, Given.Seller, facts with { Bant = partialAuthority }));
    }

    [Fact]
    public void Reject_WithoutAReason_IsRefusedNamingTheReason() =>
        Assert.Equal(["reason"], Codes(LeadAction.Reject, Stage.Mql, Stage.Nurture, Given.Seller, SatisfyingFacts(LeadAction.Reject) with { ListedReason = null }));

    [Fact]
    public void Reject_WithAReasonFromAnotherList_IsRefusedNamingTheReason()
    {
        var facts = SatisfyingFacts(LeadAction.Reject) with { ListedReason = Given.Reason(ReasonKind.Disqualification, "Spam") };

        Assert.Equal(["reason"], Codes(LeadAction.Reject, Stage.Mql, Stage.Nurture, Given.Seller, facts));
    }

    [Theory]
    [InlineData(LeadAction.Reject, ReasonKind.Rejection, Stage.Mql, Stage.Nurture, null)]
    [InlineData(LeadAction.Reject, ReasonKind.Rejection, Stage.Mql, Stage.Nurture, "  ")]
    [InlineData(LeadAction.Disqualify, ReasonKind.Disqualification, Stage.Iql, Stage.Disqualified, null)]
    [InlineData(LeadAction.MarkLost, ReasonKind.Lost, Stage.Sql, Stage.Nurture, "")]
    public void ReasonOther_WithoutANote_IsRefusedNamingTheNote(LeadAction action, ReasonKind kind, Stage from, Stage to, string? note)
    {
        var facts = SatisfyingFacts(action) with { ListedReason = Given.Reason(kind, Reason.Other), Note = note };

        Assert.Equal(["note"], Codes(action, from, to, Given.Seller, facts));
        Given.Succeeds(Lifecycle.Decide(action, from, to, Given.Seller, facts with { Note = "Moved to another country" }));
    }

    [Fact]
    public void MarkMql_FromNurtureBeforeTheRevisitDate_IsRefusedNamingTheRevisitDate()
    {
        var revisitOn = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(30);
        var facts = SatisfyingFacts(LeadAction.MarkMql) with { Lead = Given.Nurture(Now.AddDays(-1), revisitOn) };

        Assert.Equal(["revisitOn"], Codes(LeadAction.MarkMql, Stage.Nurture, Stage.Mql, Given.Marketer, facts));
        Assert.Equal(["revisitOn"], Codes(LeadAction.MarkMql, Stage.Nurture, Stage.Mql, Given.Marketer, facts with { At = new DateTimeOffset(revisitOn.AddDays(-1), new TimeOnly(23, 59), TimeSpan.Zero) }));
        Given.Succeeds(Lifecycle.Decide(LeadAction.MarkMql, Stage.Nurture, Stage.Mql, Given.Marketer, facts with { At = new DateTimeOffset(revisitOn, TimeOnly.MinValue, TimeSpan.Zero) }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(-100)]
    public void RecordProposal_WithoutAPositiveAmount_IsRefusedNamingTheAmount(int? amount) =>
        Assert.Equal(["amount"], Codes(LeadAction.RecordProposal, Stage.Sql, Stage.Opportunity, Given.Seller, SatisfyingFacts(LeadAction.RecordProposal) with { Amount = amount }));

    [Fact]
    public void MarkWon_WithoutACloseDate_IsRefusedNamingTheCloseDate() =>
        Assert.Equal(["closedOn"], Codes(LeadAction.MarkWon, Stage.Sql, Stage.Customer, Given.Seller, SatisfyingFacts(LeadAction.MarkWon) with { ClosedOn = null }));

    [Fact]
    public void Decide_WhenTheActorMayNotTakeTheActionAtAll_IsForbiddenBeforeTheStageIsLookedAt()
    {
        var decision = Lifecycle.Decide(LeadAction.Accept, Stage.Customer, null, Given.Marketer, SatisfyingFacts(LeadAction.Accept));

        Assert.IsType<Forbidden>(decision.Error);
    }

    [Theory]
    [MemberData(nameof(EveryActor))]
    public void AvailableTo_OffersExactlyTheRowsTheActorMayStartFromTheStage(ActorUnderTest actorKind)
    {
        var parties = ExpectedParties(actorKind);
        foreach (var stage in Enum.GetValues<Stage>())
        {
            var expected = Brief.Where(r => r.From == stage && (r.Who & parties) != 0).Select(r => (r.Action, r.To)).Order();

            var offered = Lifecycle.AvailableTo(Given.ActorFor(actorKind), stage).Select(t => (t.Action, t.To)).Order();

            Assert.Equal(expected, offered);
        }
    }

    /// <summary>The parties of PRODUCT.md §3 each kind of actor belongs to, independent of <see cref="Lifecycle.PartiesOf"/>.</summary>
    private static Who ExpectedParties(ActorUnderTest actor) => actor switch
    {
        ActorUnderTest.MarketingUser => Who.Marketing,
        ActorUnderTest.SalesUser => Who.Sales,
        ActorUnderTest.Manager => Who.None,
        ActorUnderTest.Admin => Who.None,
        ActorUnderTest.Rule => Who.Rules,
        ActorUnderTest.Import => Who.Import,
        ActorUnderTest.System => Who.System,
        ActorUnderTest.ApiChannelUser => Who.Api,
    };

    /// <summary>Facts that meet every guard of the action's rows: a lead that became MQL yesterday and was called since.</summary>
    private static TransitionFacts SatisfyingFacts(LeadAction action)
    {
        var lead = Given.Mql(MqlAt);
        return new TransitionFacts(Now)
        {
            Lead = lead,
            ContactKnown = true,
            Reason = "Requested a demo",
            Conversation = Given.Activity(lead, ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, MqlAt.AddHours(1)),
            Bant = Given.NeedConfirmed,
            Minimum = BantMinimum.Default,
            ListedReason = action switch
            {
                LeadAction.Reject => Given.Reason(ReasonKind.Rejection, "NoBudget"),
                LeadAction.Disqualify => Given.Reason(ReasonKind.Disqualification, "Spam"),
                LeadAction.MarkLost => Given.Reason(ReasonKind.Lost, "Price"),
                LeadAction.Create or LeadAction.MarkMql or LeadAction.Accept or LeadAction.RecordProposal or LeadAction.MarkWon => null,
            },
            Amount = 12_000m,
            ClosedOn = DateOnly.FromDateTime(Now.UtcDateTime),
        };
    }

    private static string[] Codes(LeadAction action, Stage? from, Stage to, Actor actor, TransitionFacts facts) =>
        [.. Given.MissingCodes(Lifecycle.Decide(action, from, to, actor, facts))];

    private static string NotAllowed(Stage from, Stage? to) => to is null ? $"NotAllowed from {from}" : $"NotAllowed {from}→{to}";

    private static string Describe(Result<Transition> decision, Stage? to) => decision.Error switch
    {
        null => $"Allowed {decision.Value.From}→{decision.Value.To}",
        Forbidden => "Forbidden",
        TransitionNotAllowed refused when to is null => $"NotAllowed from {refused.From}",
        TransitionNotAllowed refused when refused.To == to => $"NotAllowed {refused.From}→{refused.To}",
        TransitionNotAllowed refused => $"NotAllowed {refused.From}→{refused.To} (asked for {to})",
        RequirementsMissing missing => $"RequirementsMissing {string.Join(", ", missing.Missing.Select(m => m.Code))}",
        var other => $"{other.GetType().Name}: {other.Message}",
    };
}
