using System.Net;
using Leadgate.Data;
using Leadgate.Scoring;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Leadgate.Tests.Api;

/// <summary>The decay sweep refreshes stored engagement as time passes, on the controlled clock; run on SQLite and on PostgreSQL.</summary>
public abstract class DecaySweepApiTests(TestApp app)
{
    /// <summary>Downloads worth 10, visits 3, a half-life of 10 days; three downloads make a senior person at a 250-person company an MQL.</summary>
    private static readonly ScoringModel Decaying = ScoringModel.Default with
    {
        Events = [new EventRule { Type = BehaviourType.ContentDownload, Points = 10 }, new EventRule { Type = BehaviourType.PageVisit, Points = 3 }],
        HalfLifeDays = 10,
        FitThreshold = 50,
        EngagementThreshold = 15,
    };

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private static void Near(decimal expected, decimal actual) => Assert.InRange(actual, expected - 0.02m, expected + 0.02m);

    /// <summary>The test hook: the background service's sweep, run here on the controlled clock with small chunks.</summary>
    private SweepDecay Sweeper() =>
        new(app.Services.GetRequiredService<IDbContextFactory<LeadgateDbContext>>(), app.Clock, app.Services.GetRequiredService<ScoringModelCache>(), NullLogger<SweepDecay>.Instance)
        {
            BatchSize = 2,
        };

    private async Task<Guid> LeadWithEventsAsync(Tenant tenant, BehaviourType type, int count)
    {
        var id = (await tenant.Marketing.CreateLeadAsync(new
        {
            email = $"sweep-{Guid.NewGuid():N}@example.com",
            jobTitle = "Head of Sales",
            company = new { name = "Acme", domain = $"acme-{Guid.NewGuid():N}.example.nl", employees = 250 },
        })).Expect(HttpStatusCode.Created).Id;
        var now = Now;
        (await tenant.Marketing.SendEventsAsync(Enumerable.Range(0, count).Select(i => new { externalId = $"{id}-{i}", type = type.ToString(), leadId = id, occurredAt = now })))
            .Expect(HttpStatusCode.OK);
        return id;
    }

    private static async Task<List<(Guid Id, decimal Engagement, string Stage)>> ByEngagementAsync(Tenant tenant, string filter = "") =>
        [.. (await tenant.Marketing.ListLeadsAsync("?sort=engagement&limit=50" + filter)).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray()
            .Select(l => (Guid.Parse((string)l!["id"]!), (decimal)l["engagementScore"]!, (string)l["stage"]!))];

    [Fact]
    public async Task TheSweep_LowersStoredEngagementAsTimePasses_InTheListAndTheLead_AndNeverMovesALeadOutOfItsStage()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(Decaying)).Expect(HttpStatusCode.OK);
        var hot = await LeadWithEventsAsync(tenant, BehaviourType.ContentDownload, 3);
        var warm = await LeadWithEventsAsync(tenant, BehaviourType.PageVisit, 2);
        Assert.Equal<(Guid, decimal, string)>([(hot, 30m, "Mql"), (warm, 6m, "Iql")], await ByEngagementAsync(tenant));

        app.Clock.Advance(TimeSpan.FromDays(40));
        var fresh = await LeadWithEventsAsync(tenant, BehaviourType.PageVisit, 1);

        // Four half-lives on, the list still holds the stored scores of 40 days ago; the lead itself is scored as it is read.
        Assert.Equal<(Guid, decimal, string)>([(hot, 30m, "Mql"), (warm, 6m, "Iql"), (fresh, 3m, "Iql")], await ByEngagementAsync(tenant));
        Assert.Equal<Guid>([hot], (await ByEngagementAsync(tenant, "&minEngagement=15")).Select(l => l.Id));
        Near(1.88m, (decimal)(await tenant.Marketing.GetLeadAsync(hot)).Expect(HttpStatusCode.OK).Body!["engagementScore"]!);

        Assert.True(await Sweeper().RunDueAsync("test", SweepDecay.DefaultInterval, TestContext.Current.CancellationToken) >= 1);

        var swept = await ByEngagementAsync(tenant);
        Assert.Equal<Guid>([fresh, hot, warm], swept.Select(l => l.Id));
        Near(3m, swept[0].Engagement);
        Near(1.88m, swept[1].Engagement);
        Near(0.38m, swept[2].Engagement);
        Assert.Equal<string>(["Iql", "Mql", "Iql"], swept.Select(l => l.Stage));
        Assert.Empty(await ByEngagementAsync(tenant, "&minEngagement=15"));
        var lead = (await tenant.Marketing.GetLeadAsync(hot)).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal("Mql", (string)lead["stage"]!);
        Near(1.88m, (decimal)lead["engagementScore"]!);
        Assert.False((bool)lead["scoreBreakdown"]!["rule"]!["qualifies"]!, "decay took the lead below the rule, and it stays an MQL");
    }

    [Fact]
    public async Task ASweep_IsDueOncePerInterval()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(Decaying)).Expect(HttpStatusCode.OK);
        var lead = await LeadWithEventsAsync(tenant, BehaviourType.ContentDownload, 2);
        await Sweeper().RunDueAsync("test", SweepDecay.DefaultInterval, TestContext.Current.CancellationToken);

        app.Clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(0, await Sweeper().RunDueAsync("test", SweepDecay.DefaultInterval, TestContext.Current.CancellationToken));
        Assert.Equal(20m, (await ByEngagementAsync(tenant)).Single(l => l.Id == lead).Engagement);

        app.Clock.Advance(TimeSpan.FromHours(13));
        Assert.True(await Sweeper().RunDueAsync("test", SweepDecay.DefaultInterval, TestContext.Current.CancellationToken) >= 1);
        // 25 hours after the downloads, with a half-life of 10 days.
        Near(20m * (decimal)Math.Pow(0.5, 25.0 / 24 / 10), (await ByEngagementAsync(tenant)).Single(l => l.Id == lead).Engagement);
    }

    [Fact]
    public async Task TwoInstancesAtOnce_SweepEveryOrganisationOnce()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(Decaying)).Expect(HttpStatusCode.OK);
        for (var i = 0; i < 5; i++)
        {
            await LeadWithEventsAsync(tenant, BehaviourType.ContentDownload, 1);
        }

        app.Clock.Advance(TimeSpan.FromDays(2));
        var finished = await Task.WhenAll(
            Sweeper().RunDueAsync("instance-a", SweepDecay.DefaultInterval, TestContext.Current.CancellationToken),
            Sweeper().RunDueAsync("instance-b", SweepDecay.DefaultInterval, TestContext.Current.CancellationToken));

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LeadgateDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var sweeps = await db.DecaySweeps.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(sweeps.Count, finished.Sum());
        Assert.All(sweeps, s => Assert.Equal((null, null, true), (s.StartedAt, s.LeaseOwner, s.FinishedAt > Now.AddMinutes(-1))));
        Assert.Equal((5, 5), sweeps.Where(s => s.OrganisationId == tenant.OrganisationId).Select(s => (s.Done, s.Changed)).Single());
    }
}

public sealed class DecaySweepApiTests_Sqlite(SqliteApp app) : DecaySweepApiTests(app), IClassFixture<SqliteApp>;

public sealed class DecaySweepApiTests_Postgres(PostgresApp app) : DecaySweepApiTests(app), IClassFixture<PostgresApp>;
