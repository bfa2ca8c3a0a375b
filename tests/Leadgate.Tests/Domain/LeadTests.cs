using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;
using Microsoft.Extensions.Time.Testing;

namespace Leadgate.Tests.Domain;

/// <summary>A lead's journey through its own methods: what each step records, and that a refused step changes nothing.</summary>
public sealed class LeadTests
{
    private readonly FakeTimeProvider _clock = new(Given.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Theory]
    [InlineData("Ada", "LOVELACE", "Analytical Engines Ltd", "ada lovelace ada.lovelace@example.com analytical engines ltd")]
    [InlineData("  ", "ÖZIL", null, "özil ada.lovelace@example.com")]
    [InlineData(null, null, "  ", "ada.lovelace@example.com")]
    [InlineData("Ирина", "van der BERG", "ÆØÅ Fjord AS", "ирина van der berg ada.lovelace@example.com æøå fjord as")]
    public void SearchText_IsTheNamesEmailAndCompany_LowerCase_WithoutEmptyParts(string? firstName, string? lastName, string? company, string expected)
    {
        var contact = Given.Contact();
        contact.Describe(firstName, lastName, null, null);
        var firm = company is null ? null : Company.Create(Given.Organisation, company, null, Now);

        var lead = Given.Succeeds(Lead.Create(contact, firm, "website", null, Given.Marketer, Now));

        Assert.Equal(expected, lead.SearchText);
    }

    [Fact]
    public void Create_StartsAtIqlAndRecordsWhoCreatedIt()
    {
        var lead = Given.Succeeds(Lead.Create(Given.Contact(), null, "website", "spring", Given.Marketer, Now));

        Assert.Equal(Stage.Iql, lead.Stage);
        Assert.Equal(Stage.Iql, lead.HighestStage);
        Assert.Equal(WorkStatus.New, lead.WorkStatus);
        var created = Assert.Single(lead.History);
        Assert.Equal((null, Stage.Iql, "Mia Marketing", "created", Now), (created.From, created.To, created.ActorName, created.Reason, created.At));
        Assert.Equal(lead.Id, created.LeadId);
        Assert.Equal(Given.Organisation, created.OrganisationId);
    }

    [Theory]
    [InlineData(ActorUnderTest.SalesUser)]
    [InlineData(ActorUnderTest.Manager)]
    [InlineData(ActorUnderTest.Rule)]
    public void Create_ByAnActorThatIsNoCreator_IsForbidden(ActorUnderTest actor) =>
        Given.Fails<Lead, Forbidden>(Lead.Create(Given.Contact(), null, null, null, Given.ActorFor(actor), Now));

    [Fact]
    public void EveryStep_AppendsAStageEventWithTheActorAndTheReason()
    {
        var lead = Given.NewLead(Now);
        _clock.Advance(TimeSpan.FromHours(1));
        Given.Succeeds(lead.MarkMql("  Requested a demo ", Given.Marketer, Now));
        _clock.Advance(TimeSpan.FromHours(1));
        var call = Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, null, Given.Seller, Now));
        Given.Succeeds(lead.RecordBant(Given.NeedConfirmed, Given.Seller, Now));
        _clock.Advance(TimeSpan.FromHours(1));
        var deal = Given.Succeeds(lead.Accept(Given.Terms, call, BantMinimum.Default, Given.Seller, Now));
        _clock.Advance(TimeSpan.FromDays(7));
        Given.Succeeds(lead.RecordProposal(deal, 12_500m, Given.Seller, Now));
        _clock.Advance(TimeSpan.FromDays(14));
        Given.Succeeds(lead.MarkWon(deal, 12_000m, DateOnly.FromDateTime(Now.UtcDateTime), Given.Seller, Now));

        Assert.Equal(
            [
                (null, Stage.Iql, "system", "created"),
                (Stage.Iql, Stage.Mql, "Mia Marketing", "Requested a demo"),
                (Stage.Mql, Stage.Sql, "Sam Sales", "accepted"),
                (Stage.Sql, Stage.Opportunity, "Sam Sales", "proposal"),
                (Stage.Opportunity, Stage.Customer, "Sam Sales", "won"),
            ],
            lead.History.Select(e => (e.From, e.To, e.ActorName, e.Reason)));
        Assert.Equal(call.Id, lead.History.Single(e => e.To == Stage.Sql).EvidenceActivityId);
        Assert.Equal(lead.History.Select(e => e.At).Order(), lead.History.Select(e => e.At));
        Assert.Equal((Stage.Customer, Stage.Customer, Now), (lead.Stage, lead.HighestStage, lead.StageChangedAt));
        Assert.Equal((DealStatus.Won, 12_000m, 12_500m), (deal.Status, deal.WonAmount, deal.ProposalAmount));
        Assert.Equal(deal.Id, lead.DealId);
    }

    [Fact]
    public void Reject_RecordsTheReasonCodeAndTrimmedNoteAndKeepsTheRevisitDate()
    {
        var lead = Given.Mql(Now);
        var revisitOn = DateOnly.FromDateTime(Now.UtcDateTime).AddMonths(3);

        Given.Succeeds(lead.Reject(Given.Reason(ReasonKind.Rejection, Reason.Other), "  Budget frozen until Q3 ", revisitOn, Given.Seller, Now));

        var rejected = lead.History[^1];
        Assert.Equal((Stage.Mql, Stage.Nurture, "Sam Sales", "Other", "Budget frozen until Q3"), (rejected.From, rejected.To, rejected.ActorName, rejected.Reason, rejected.Note));
        Assert.Equal(revisitOn, lead.RevisitOn);
    }

    [Fact]
    public void Nurture_AfterAnOpportunity_KeepsTheHighestStageReached()
    {
        var (lead, deal) = Given.Opportunity(Now);

        Given.Succeeds(lead.MarkLost(deal, Given.Reason(ReasonKind.Lost, "Timing"), null, Stage.Nurture, Given.Seller, Now));

        Assert.Equal((Stage.Nurture, Stage.Opportunity), (lead.Stage, lead.HighestStage));
        Assert.Equal((DealStatus.Lost, "Timing"), (deal.Status, deal.LostReason));
    }

    [Fact]
    public void Disqualified_FromMql_KeepsMqlAsTheHighestStageReached()
    {
        var lead = Given.Mql(Now);

        Given.Succeeds(lead.Disqualify(Given.Reason(ReasonKind.Disqualification, "Competitor"), null, Given.Marketer, Now));

        Assert.Equal((Stage.Disqualified, Stage.Mql), (lead.Stage, lead.HighestStage));
    }

    [Fact]
    public void RequalifyingFromNurture_DoesNotLowerTheHighestStage()
    {
        var (lead, deal) = Given.Sql(Now);
        Given.Succeeds(lead.MarkLost(deal, Given.Reason(ReasonKind.Lost, "NoDecision"), null, Stage.Nurture, Given.Seller, Now));
        _clock.Advance(TimeSpan.FromDays(90));

        Given.Succeeds(lead.MarkMql("Visited the pricing page twice", Given.ScoringRule, Now));

        Assert.Equal((Stage.Mql, Stage.Sql), (lead.Stage, lead.HighestStage));
        Assert.Equal(("Score at least 50", ActorKind.Rule), (lead.History[^1].ActorName, lead.History[^1].ActorKind));
        Assert.Equal(Now, lead.MqlAt);
    }

    [Fact]
    public void Accept_WithoutTwoWayConversationSinceMql_IsRefusedNamingTheConversationAndChangesNothing()
    {
        var lead = Given.Mql(Now);
        Given.Succeeds(lead.RecordBant(Given.NeedConfirmed, Given.Seller, Now));
        var before = Snapshot(lead);
        _clock.Advance(TimeSpan.FromHours(1));

        var accepted = lead.Accept(Given.Terms, null, BantMinimum.Default, Given.Seller, Now);

        Assert.Equal(["conversation"], Given.MissingCodes(accepted));
        Assert.Equal(before, Snapshot(lead));
        Assert.Null(lead.DealId);
    }

    [Fact]
    public void Accept_ByMarketing_IsForbiddenAndChangesNothing()
    {
        var lead = Given.Mql(Now);
        var call = Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, null, Given.Seller, Now));
        Given.Succeeds(lead.RecordBant(Given.NeedConfirmed, Given.Seller, Now));
        var before = Snapshot(lead);
        _clock.Advance(TimeSpan.FromHours(1));

        Given.Fails<Deal, Forbidden>(lead.Accept(Given.Terms, call, BantMinimum.Default, Given.Marketer, Now));

        Assert.Equal(before, Snapshot(lead));
    }

    [Fact]
    public void RecordProposal_OnAnMql_IsNotAllowedAndLeavesTheDealAlone()
    {
        var (other, deal) = Given.Sql(Now);
        var lead = Given.Mql(Now);
        var before = Snapshot(lead);

        var refused = Given.Fails<Done, TransitionNotAllowed>(lead.RecordProposal(deal, 5_000m, Given.Seller, Now.AddHours(1)));

        Assert.Equal((LeadAction.RecordProposal, Stage.Mql), (refused.Action, refused.From));
        Assert.Equal(before, Snapshot(lead));
        Assert.Null(deal.ProposalAmount);
        Assert.Equal(Stage.Sql, other.Stage);
    }

    [Fact]
    public void MarkLost_ToAStageOtherThanNurtureOrDisqualified_IsNotAllowedAndLeavesTheDealOpen()
    {
        var (lead, deal) = Given.Sql(Now);
        var before = Snapshot(lead);

        var refused = Given.Fails<Done, TransitionNotAllowed>(lead.MarkLost(deal, Given.Reason(ReasonKind.Lost, "Price"), null, Stage.Customer, Given.Seller, Now.AddDays(1)));

        Assert.Equal(Stage.Customer, refused.To);
        Assert.Equal(before, Snapshot(lead));
        Assert.Equal(DealStatus.Open, deal.Status);
    }

    [Fact]
    public void MarkLost_WithoutAReason_IsRefusedNamingTheReasonAndLeavesTheDealOpen()
    {
        var (lead, deal) = Given.Opportunity(Now);
        var before = Snapshot(lead);

        Assert.Equal(["reason"], Given.MissingCodes(lead.MarkLost(deal, null, null, Stage.Disqualified, Given.Seller, Now.AddDays(1))));

        Assert.Equal(before, Snapshot(lead));
        Assert.Equal(DealStatus.Open, deal.Status);
    }

    [Fact]
    public void Reject_WithOtherAndNoNote_IsRefusedNamingTheNoteAndKeepsNoRevisitDate()
    {
        var lead = Given.Mql(Now);
        var before = Snapshot(lead);

        var rejected = lead.Reject(Given.Reason(ReasonKind.Rejection, Reason.Other), " ", DateOnly.FromDateTime(Now.UtcDateTime).AddDays(30), Given.Seller, Now);

        Assert.Equal(["note"], Given.MissingCodes(rejected));
        Assert.Equal(before, Snapshot(lead));
        Assert.Null(lead.RevisitOn);
    }

    [Fact]
    public void MarkMql_FromNurtureBeforeTheRevisitDate_IsRefusedNamingTheRevisitDate()
    {
        var lead = Given.Nurture(Now, DateOnly.FromDateTime(Now.UtcDateTime).AddDays(30));
        _clock.Advance(TimeSpan.FromDays(29));

        Assert.Equal(["revisitOn"], Given.MissingCodes(lead.MarkMql("Opened the newsletter", Given.Marketer, Now)));
        Assert.Equal(Stage.Nurture, lead.Stage);

        _clock.Advance(TimeSpan.FromDays(1));
        Given.Succeeds(lead.MarkMql("Opened the newsletter", Given.Marketer, Now));
        Assert.Null(lead.RevisitOn);
    }

    [Fact]
    public void Accept_WithAConversationLoggedBeforeTheLeadBecameMql_IsRefusedNamingTheConversation()
    {
        var lead = Given.NewLead(Now);
        _clock.Advance(TimeSpan.FromHours(1));
        var earlyCall = Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, null, Given.Seller, Now));
        _clock.Advance(TimeSpan.FromHours(1));
        Given.Succeeds(lead.MarkMql("Requested a demo", Given.Marketer, Now));
        Given.Succeeds(lead.RecordBant(Given.NeedConfirmed, Given.Seller, Now));

        var accepted = lead.Accept(Given.Terms, earlyCall, BantMinimum.Default, Given.Seller, Now.AddHours(1));

        Assert.Equal(["conversation"], Given.MissingCodes(accepted));
        Assert.Equal(Stage.Mql, lead.Stage);
    }

    [Fact]
    public void Accept_AfterRequalifying_NeedsAConversationSinceTheLatestMql()
    {
        var lead = Given.Mql(Now);
        _clock.Advance(TimeSpan.FromHours(1));
        var firstCall = Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, null, Given.Seller, Now));
        Given.Succeeds(lead.RecordBant(Given.NeedConfirmed, Given.Seller, Now));
        Given.Succeeds(lead.Reject(Given.Reason(ReasonKind.Rejection, "NotReadyToBuy"), null, null, Given.Seller, Now));
        _clock.Advance(TimeSpan.FromDays(60));
        Given.Succeeds(lead.MarkMql("Downloaded the buyer's guide", Given.ScoringRule, Now));
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(["conversation"], Given.MissingCodes(lead.Accept(Given.Terms, firstCall, BantMinimum.Default, Given.Seller, Now)));

        var reply = Given.Succeeds(lead.Log(ActivityType.Email, Direction.Inbound, null, "Yes, let's talk", null, Given.Seller, Now));
        Given.Succeeds(lead.Accept(Given.Terms, reply, BantMinimum.Default, Given.Seller, Now));
        Assert.Equal(Stage.Sql, lead.Stage);
    }

    [Fact]
    public void Accept_WithNeedOnlyPartial_IsRefusedNamingBantNeed()
    {
        var lead = Given.Mql(Now);
        var call = Given.Succeeds(lead.Log(ActivityType.Meeting, Direction.Outbound, ActivityOutcome.MeetingHeld, null, null, Given.Seller, Now.AddHours(1)));
        Given.Succeeds(lead.RecordBant(Bant.Unassessed with { Need = new NeedAssessment(BantStatus.Partial, "Maybe") }, Given.Seller, Now.AddHours(1)));

        Assert.Equal(["bant.need"], Given.MissingCodes(lead.Accept(Given.Terms, call, BantMinimum.Default, Given.Seller, Now.AddHours(2))));
    }

    [Fact]
    public void RecordBant_ByMarketing_IsForbiddenAndKeepsTheAssessment()
    {
        var lead = Given.Mql(Now);

        Given.Fails<Done, Forbidden>(lead.RecordBant(Given.NeedConfirmed, Given.Marketer, Now));

        Assert.Equal(Bant.Unassessed, lead.Bant);
        Assert.Null(lead.BantAssessedAt);
    }

    [Fact]
    public void RecordBant_BySales_RecordsWhoAssessedAndWhen()
    {
        var lead = Given.Mql(Now);

        Given.Succeeds(lead.RecordBant(Given.NeedConfirmed, Given.Seller, Now));

        Assert.Equal((Given.NeedConfirmed, Now, "Sam Sales"), (lead.Bant, lead.BantAssessedAt, lead.BantAssessedBy));
    }

    private static (Stage Stage, Stage Highest, int Events, DateTimeOffset UpdatedAt, DateTimeOffset StageChangedAt, DateTimeOffset? MqlAt, Guid? DealId, DateOnly? RevisitOn) Snapshot(Lead lead) =>
        (lead.Stage, lead.HighestStage, lead.History.Count, lead.UpdatedAt, lead.StageChangedAt, lead.MqlAt, lead.DealId, lead.RevisitOn);
}
