using Leadgate.Accounts;
using Leadgate.Demo;
using Leadgate.Pipeline;
using Leadgate.Qualification;

namespace Leadgate.Tests.Domain;

/// <summary>
/// The demo's stories fit before "now" at any hour of the week: every journey is placed so that its last beat has
/// happened, including on a Monday before office hours, where a last beat at a working day's office hour stays put while
/// the start moves back over the weekend (the demo failed to seed at 07:15 UTC on Monday 23 November 2026).
/// </summary>
public sealed class DemoPlacementTests
{
    private static readonly TimeSpan History = TimeSpan.FromDays(182);

    private static readonly string[] Players = ["Mia Marketing", "Sam Sales", "Noor de Vries", "Jonas Peeters", "Hannah Becker"];

    public static TheoryData<DateTimeOffset> Moments()
    {
        var monday = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var moments = new TheoryData<DateTimeOffset> { monday.AddHours(7).AddMinutes(15) };
        for (var hour = 0; hour < 7 * 24; hour += 5)
        {
            moments.Add(monday.AddHours(hour));
        }

        return moments;
    }

    [Theory]
    [MemberData(nameof(Moments))]
    public void EveryJourney_EndsBeforeNow_AtAnyHourOfTheWeek(DateTimeOffset now)
    {
        var (journeys, _) = Tell(now);

        Assert.NotEmpty(journeys);
        Assert.All(journeys, journey => Assert.True(
            journey.Lead.History.Max(e => e.At) <= now && journey.Lead.CreatedAt >= now - History - TimeSpan.FromDays(31),
            $"A {journey.Lead.Stage} journey runs from {journey.Lead.CreatedAt:u} to {journey.Lead.History.Max(e => e.At):u}, now is {now:u}."));
    }

    /// <summary>
    /// Whenever the demo is seeded, every open deal is either planned ahead (an activity scheduled after the seed, the next
    /// step due from tomorrow on) or has gone quiet by keep-warm's rule — none drifts in between — and none closes in the past.
    /// </summary>
    [Theory]
    [MemberData(nameof(Moments))]
    public void EveryOpenDeal_IsPlannedAhead_OrStale_AtAnyHourOfTheWeek(DateTimeOffset now)
    {
        var (journeys, pipeline) = Tell(now);

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var open = journeys.Where(j => j.Deal is { Status: DealStatus.Open }).ToList();
        var planned = open.Where(j => j.Scheduled.Any(s => s.DoneAt is null && s.DueAt > now)).ToList();
        var stale = open.Where(j => !planned.Contains(j) && Staleness.IsStale(
            DealStatus.Open,
            pipeline.Stages.Single(s => s.Id == j.Deal!.StageId).StaleAfterDays,
            j.Lead.LastActivityAt is { } touched && touched > j.Deal!.CreatedAt ? touched : j.Deal!.CreatedAt,
            now)).ToList();
        Assert.NotEmpty(planned);
        Assert.NotEmpty(stale);
        Assert.Equal(open.Count, planned.Count + stale.Count);
        Assert.All(planned, j => Assert.True(j.Deal!.NextStepDueOn > today, $"A planned deal's next step is due {j.Deal.NextStepDueOn}, today is {today}."));
        Assert.All(stale, j => Assert.True(j.Deal!.NextStepDueOn < today, $"A stale deal's next step is due {j.Deal.NextStepDueOn}, today is {today}."));
        Assert.All(open, j => Assert.True(j.Deal!.ExpectedCloseDate >= today, $"An open deal closes on {j.Deal.ExpectedCloseDate}, today is {today}."));
    }

    private static (List<DemoJourney> Journeys, SalesPipeline Pipeline) Tell(DateTimeOffset now)
    {
        var organisation = Organisation.Create("demo", "Demo B.V.", now - History - TimeSpan.FromDays(14)).Value;
        var actors = Players.ToDictionary(name => name, name => Actor.ForUser(organisation.Id, Guid.NewGuid(), name, [name == "Mia Marketing" ? Roles.Marketing : Roles.Sales], Channel.Ui));
        var pipeline = SalesPipeline.CreateDefault(organisation.Id, organisation.CreatedAt);
        return (DemoData.Tell(DemoData.CastOf(organisation, [.. Reason.DefaultsFor(organisation.Id)], pipeline, actors, now - History), now - History, now), pipeline);
    }
}
