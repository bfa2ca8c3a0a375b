using Leadgate.Handover;
using Leadgate.Leads;
using Leadgate.Qualification;

namespace Leadgate.Tests.Domain;

/// <summary>The response clock's arithmetic and the routing rules, without a database.</summary>
public sealed class HandoverTests
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    private static readonly WorkingWeek OfficeWeek = SlaSettings.Default.Week("Europe/Amsterdam");

    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) =>
        new(new DateTime(year, month, day, hour, minute, 0), Amsterdam.GetUtcOffset(new DateTime(year, month, day, hour, minute, 0)));

    [Fact]
    public void FourWorkingHours_FromFridayAfternoon_AreDueOnMondayMorning()
    {
        var due = OfficeWeek.Add(Local(2026, 11, 20, 15), TimeSpan.FromHours(4));

        Assert.Equal(Local(2026, 11, 23, 11), due);
    }

    [Fact]
    public void AnMqlArrivingAtNight_OrAtTheWeekend_StartsItsClockWhenTheOfficeOpens()
    {
        Assert.Equal(Local(2026, 11, 24, 13), OfficeWeek.Add(Local(2026, 11, 23, 22), TimeSpan.FromHours(4)));
        Assert.Equal(Local(2026, 11, 23, 13), OfficeWeek.Add(Local(2026, 11, 21, 10), TimeSpan.FromHours(4)));
        Assert.Equal(Local(2026, 11, 23, 13), OfficeWeek.Add(Local(2026, 11, 23, 6, 30), TimeSpan.FromHours(4)));
    }

    [Fact]
    public void WorkingHours_CountInTheOrganisationsTimeZone_AcrossAClockChange()
    {
        // Friday 27 March 2026 16:00 CET; summer time starts on Sunday 29 March: due Monday 12:00 CEST (10:00 UTC).
        var due = OfficeWeek.Add(new DateTimeOffset(2026, 3, 27, 15, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(4));

        Assert.Equal(new DateTimeOffset(2026, 3, 30, 10, 0, 0, TimeSpan.Zero), due);
        Assert.Equal(TimeSpan.FromHours(4), OfficeWeek.Between(new DateTimeOffset(2026, 3, 27, 15, 0, 0, TimeSpan.Zero), due));
    }

    [Fact]
    public void SlaSettings_NameEachBadField()
    {
        var invalid = (SlaSettings.Default with { ResponseHours = 0, DayStartsAt = "9am", DayEndsAt = "08:00", WorkingDays = [], TimeZone = "Mars/Olympus" }).Validate();

        Assert.NotNull(invalid);
        Assert.Equal(["dayStartsAt", "responseHours", "timeZone", "workingDays"], invalid.Errors.Keys.Where(k => k != "dayEndsAt").Order());
        Assert.Null(SlaSettings.Default.Validate());
    }

    [Theory]
    [InlineData("NL", 250, "Website", "Spring", 80, true)]
    [InlineData("DE", 250, "Website", "Spring", 80, false)]
    [InlineData("NL", 20, "Website", "Spring", 80, false)]
    [InlineData("NL", 250, "Fair", "Spring", 80, false)]
    [InlineData("NL", 250, "Website", "Spring", 30, false)]
    [InlineData(null, 250, "Website", "Spring", 80, false)]
    public void ARule_HoldsOnlyWhenEveryConditionGivenHolds(string? country, int employees, string source, string campaign, int fit, bool holds)
    {
        var rule = new RoutingRule { Name = "Benelux mid-market", Countries = ["NL", "BE"], MinEmployees = 50, MaxEmployees = 1_000, Sources = ["website"], FitTiers = [FitTier.High, FitTier.Medium], Team = "Benelux" };

        Assert.Equal(holds, rule.Matches(country, employees, source, campaign, fit));
    }

    [Fact]
    public void BecomingAnMql_StartsAHandover_AndTheFirstOutboundTouchStopsItsClock()
    {
        var lead = Given.Mql(Given.Start);
        var handover = Assert.Single(lead.Handovers);
        Assert.True(handover.AwaitsRouting);
        Assert.Equal(Given.Start, handover.StartedAt);

        Given.Succeeds(lead.Log(ActivityType.Note, Direction.Outbound, null, "Looked them up", null, Given.Seller, Given.Start.AddMinutes(10)));
        Given.Succeeds(lead.Log(ActivityType.Email, Direction.Inbound, null, null, null, Given.Seller, Given.Start.AddMinutes(20)));
        Assert.Null(handover.FirstTouchAt);

        Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.NoAnswer, null, null, Given.Seller, Given.Start.AddMinutes(30)));
        Given.Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, null, null, Given.Seller, Given.Start.AddMinutes(40)));

        Assert.Equal(Given.Start.AddMinutes(30), handover.FirstTouchAt);
        Assert.Equal(TimeSpan.FromMinutes(30), handover.TimeToFirstTouch);
    }

    [Fact]
    public void LeavingMql_EndsTheHandover()
    {
        var lead = Given.Mql(Given.Start);

        Given.Succeeds(lead.Disqualify(Given.Reason(ReasonKind.Disqualification, "Spam"), null, Given.Seller, Given.Start.AddHours(1)));

        Assert.Equal(Given.Start.AddHours(1), Assert.Single(lead.Handovers).EndedAt);
        Assert.Equal(Stage.Disqualified, lead.Stage);
    }
}
