using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Qualification;

namespace Leadgate.Tests.Domain;

/// <summary>Logged touches: what they may look like, when they count as a conversation, and how they move the work status.</summary>
public sealed class ActivityTests
{
    private static readonly DateTimeOffset Now = Given.Start;

    public static TheoryData<ActivityType, Direction, ActivityOutcome?> EveryTypeDirectionAndOutcome()
    {
        var data = new TheoryData<ActivityType, Direction, ActivityOutcome?>();
        foreach (var type in Enum.GetValues<ActivityType>())
        {
            foreach (var direction in Enum.GetValues<Direction>())
            {
                foreach (var outcome in Enum.GetValues<ActivityOutcome>().Select(o => (ActivityOutcome?)o).Prepend(null))
                {
                    data.Add(type, direction, outcome);
                }
            }
        }

        return data;
    }

    [Fact]
    public void WorkStatus_OfAnMql_GoesFromNewToAttemptingToConnected()
    {
        var lead = Given.Mql(Now);
        Assert.Equal(WorkStatus.New, lead.WorkStatus);

        Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.NoAnswer, null, null, Given.Seller, Now.AddHours(1)));
        Assert.Equal(WorkStatus.Attempting, lead.WorkStatus);

        Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, null, Given.Seller, Now.AddHours(2)));
        Assert.Equal(WorkStatus.Connected, lead.WorkStatus);
    }

    [Theory]
    [InlineData(ActivityType.Email, Direction.Outbound, ActivityOutcome.Sent)]
    [InlineData(ActivityType.Call, Direction.Outbound, ActivityOutcome.Voicemail)]
    [InlineData(ActivityType.Meeting, Direction.Outbound, ActivityOutcome.MeetingBooked)]
    public void WorkStatus_AfterAnOutboundTouchThatReachedNoOne_IsAttempting(ActivityType type, Direction direction, ActivityOutcome outcome)
    {
        var lead = Given.Mql(Now);

        Given.Succeeds(lead.Log(type, direction, outcome, null, null, Given.Seller, Now.AddHours(1)));

        Assert.Equal(WorkStatus.Attempting, lead.WorkStatus);
    }

    [Fact]
    public void WorkStatus_AfterANote_StaysNew()
    {
        var lead = Given.Mql(Now);

        Given.Succeeds(lead.Log(ActivityType.Note, Direction.Outbound, null, "Looked them up on LinkedIn", null, Given.Seller, Now.AddHours(1)));

        Assert.Equal(WorkStatus.New, lead.WorkStatus);
    }

    [Fact]
    public void WorkStatus_AfterAnInboundEmail_IsConnected()
    {
        var lead = Given.Mql(Now);

        Given.Succeeds(lead.Log(ActivityType.Email, Direction.Inbound, null, null, null, Given.Seller, Now.AddHours(1)));

        Assert.Equal(WorkStatus.Connected, lead.WorkStatus);
    }

    [Fact]
    public void WorkStatus_OnceConnected_IsNotLoweredByAnUnansweredCall()
    {
        var lead = Given.Mql(Now);
        Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, null, Given.Seller, Now.AddHours(1)));

        Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.NoAnswer, null, null, Given.Seller, Now.AddHours(2)));

        Assert.Equal(WorkStatus.Connected, lead.WorkStatus);
    }

    [Fact]
    public void WorkStatus_OutsideMql_IsNotMovedByActivities()
    {
        var lead = Given.NewLead(Now);

        Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, null, Given.Seller, Now.AddHours(1)));

        Assert.Equal(WorkStatus.New, lead.WorkStatus);
        Assert.Single(lead.Activities);
    }

    [Fact]
    public void WorkStatus_OfAnMqlGivenANewOwner_StartsAgainFromNew()
    {
        var lead = Given.Mql(Now);
        lead.AssignTo(Guid.CreateVersion7(Now), "test", Given.Seller, Now);
        Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.NoAnswer, null, null, Given.Seller, Now.AddHours(1)));

        lead.AssignTo(Guid.CreateVersion7(Now), "test", Given.Seller, Now.AddHours(2));

        Assert.Equal(WorkStatus.New, lead.WorkStatus);
    }

    [Fact]
    public void Log_RecordsTheActivityAndTheLastActivityTime()
    {
        var lead = Given.Mql(Now);
        var occurredAt = Now.AddHours(1);

        var call = Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, "  Good talk  ", occurredAt, Given.Seller, Now.AddHours(2)));

        Assert.Equal(call, Assert.Single(lead.Activities));
        Assert.Equal((lead.Id, "Good talk", occurredAt, Now.AddHours(2), "Sam Sales"), (call.LeadId, call.Notes, call.OccurredAt, call.LoggedAt, call.ActorName));
        Assert.Equal(occurredAt, lead.LastActivityAt);
    }

    [Theory]
    [InlineData(ActivityType.Email, Direction.Outbound, ActivityOutcome.NoAnswer)]
    [InlineData(ActivityType.Email, Direction.Inbound, ActivityOutcome.Sent)]
    [InlineData(ActivityType.Email, Direction.Outbound, ActivityOutcome.Received)]
    [InlineData(ActivityType.Call, Direction.Outbound, null)]
    [InlineData(ActivityType.Call, Direction.Outbound, ActivityOutcome.MeetingHeld)]
    [InlineData(ActivityType.Meeting, Direction.Outbound, ActivityOutcome.Connected)]
    [InlineData(ActivityType.Meeting, Direction.Outbound, null)]
    [InlineData(ActivityType.Note, Direction.Outbound, ActivityOutcome.Connected)]
    public void Log_WithAnOutcomeThatDoesNotFitTheType_IsInvalidNamingTheOutcomeAndLogsNothing(ActivityType type, Direction direction, ActivityOutcome? outcome)
    {
        var lead = Given.Mql(Now);

        var invalid = Given.Fails<Activity, Invalid>(lead.Log(type, direction, outcome, null, null, Given.Seller, Now.AddHours(1)));

        Assert.Equal(["outcome"], invalid.Errors.Keys);
        Assert.Empty(lead.Activities);
        Assert.Equal(WorkStatus.New, lead.WorkStatus);
    }

    [Fact]
    public void Log_InTheFuture_IsInvalidNamingWhenItHappened()
    {
        var lead = Given.Mql(Now);

        var invalid = Given.Fails<Activity, Invalid>(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, Now.AddHours(1), Given.Seller, Now));

        Assert.Equal(["occurredAt"], invalid.Errors.Keys);
    }

    [Fact]
    public void Log_WithNotesOverTheLimit_IsInvalidNamingTheNotes()
    {
        var lead = Given.Mql(Now);

        var invalid = Given.Fails<Activity, Invalid>(lead.Log(ActivityType.Note, Direction.Outbound, null, new string('x', Activity.MaxNotesLength + 1), null, Given.Seller, Now));

        Assert.Equal(["notes"], invalid.Errors.Keys);
    }

    [Theory]
    [InlineData(Direction.Outbound, ActivityOutcome.Sent)]
    [InlineData(Direction.Inbound, ActivityOutcome.Received)]
    public void Log_AnEmailWithoutAnOutcome_TakesTheOutcomeOfItsDirection(Direction direction, ActivityOutcome expected)
    {
        var lead = Given.Mql(Now);

        var email = Given.Succeeds(lead.Log(ActivityType.Email, direction, null, null, null, Given.Seller, Now));

        Assert.Equal(expected, email.Outcome);
    }

    [Theory]
    [MemberData(nameof(EveryTypeDirectionAndOutcome))]
    public void TwoWayConversation_TheQueryExpression_AgreesWithTheProperty(ActivityType type, Direction direction, ActivityOutcome? outcome)
    {
        var lead = Given.Mql(Now);
        var created = Activity.Create(Given.Organisation, lead.Id, null, type, direction, outcome, null, Now, Given.Seller, Now);
        if (!created.IsSuccess)
        {
            // A combination the factory refuses never exists, in memory or in the database.
            Assert.IsType<Invalid>(created.Error);
            return;
        }

        var activity = created.Value;
        Assert.Equal(activity.IsTwoWayConversation, Activity.TwoWayConversation.Compile()(activity));
    }

    [Theory]
    [InlineData(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, true)]
    [InlineData(ActivityType.Call, Direction.Inbound, ActivityOutcome.Connected, true)]
    [InlineData(ActivityType.Meeting, Direction.Outbound, ActivityOutcome.MeetingHeld, true)]
    [InlineData(ActivityType.Email, Direction.Inbound, ActivityOutcome.Received, true)]
    [InlineData(ActivityType.Call, Direction.Outbound, ActivityOutcome.NoAnswer, false)]
    [InlineData(ActivityType.Call, Direction.Outbound, ActivityOutcome.Voicemail, false)]
    [InlineData(ActivityType.Meeting, Direction.Outbound, ActivityOutcome.MeetingBooked, false)]
    [InlineData(ActivityType.Email, Direction.Outbound, ActivityOutcome.Sent, false)]
    [InlineData(ActivityType.Note, Direction.Inbound, null, false)]
    public void TwoWayConversation_IsAReachedCallOrMeetingOrAnInboundEmail(ActivityType type, Direction direction, ActivityOutcome? outcome, bool expected)
    {
        var activity = Given.Activity(Given.Mql(Now), type, direction, outcome, Now);

        Assert.Equal(expected, activity.IsTwoWayConversation);
        Assert.Equal(expected, Activity.TwoWayConversation.Compile()(activity));
    }
}
