using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Data;
using Leadgate.Scoring;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Leadgate.Tests.Api;

/// <summary>Saving a scoring model rescores every lead in the background, in batches, with progress; run on SQLite and on PostgreSQL.</summary>
public abstract class RescoringApiTests(TestApp app)
{
    /// <summary>Lower thresholds than the default and downloads worth 10 each: some leads become MQL only under this model.</summary>
    private static readonly ScoringModel Eager = ScoringModel.Default with
    {
        Events = [new EventRule { Type = BehaviourType.ContentDownload, Points = 10 }, new EventRule { Type = BehaviourType.PageVisit, Points = 3, Cap = 9 }],
        FitThreshold = 50,
        EngagementThreshold = 15,
    };

    private static readonly int?[] Employees = [5, 30, 250, 8_000, null];

    private static readonly string?[] Titles = ["Head of Sales", "Marketing Manager", "Intern", null];

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    // The job reads the clock per batch, a few milliseconds after the test: decay may differ in the last cent.
    private static void Near(decimal expected, decimal actual, decimal tolerance) => Assert.InRange(actual, expected - tolerance, expected + tolerance);

    /// <summary>The test hook: the background service's work, run here on the controlled clock with small batches.</summary>
    private RescoreLeads Runner(int batchSize) =>
        new(app.Services.GetRequiredService<IDbContextFactory<LeadgateDbContext>>(), app.Clock, NullLogger<RescoreLeads>.Instance) { BatchSize = batchSize };

    private static async Task<JsonNode> ProgressAsync(Tenant tenant) =>
        (await tenant.Marketing.SendAsync(HttpMethod.Get, "/api/v1/settings/scoring/rescore")).Expect(HttpStatusCode.OK).Body!;

    private static async Task<Dictionary<Guid, JsonNode>> StoredAsync(Tenant tenant) =>
        (await tenant.Marketing.ListLeadsAsync("?limit=200")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray()
            .ToDictionary(l => Guid.Parse((string)l!["id"]!), l => l!);

    /// <summary>N leads with a spread of sizes, titles and events; answers each one's facts and events as scoring sees them.</summary>
    private async Task<Dictionary<Guid, (LeadFacts Facts, List<ScoredEvent> Events)>> LeadsAsync(Tenant tenant, int count)
    {
        var leads = new Dictionary<Guid, (LeadFacts, List<ScoredEvent>)>();
        for (var i = 0; i < count; i++)
        {
            var employees = Employees[i % Employees.Length];
            var title = Titles[i % Titles.Length];
            var id = (await tenant.Marketing.CreateLeadAsync(new
            {
                email = $"lead{i}-{Guid.NewGuid():N}@example.com",
                jobTitle = title,
                company = new { name = $"Company {i}", domain = $"c{i}-{Guid.NewGuid():N}.example.nl", employees },
            })).Expect(HttpStatusCode.Created).Id;
            var events = new List<ScoredEvent>();
            if (i % 3 == 0)
            {
                events.Add(new ScoredEvent($"{id}-d1", BehaviourType.ContentDownload, Now.AddDays(-10)));
                events.Add(new ScoredEvent($"{id}-d2", BehaviourType.ContentDownload, Now.AddDays(-3)));
            }

            if (i % 2 == 0)
            {
                events.Add(new ScoredEvent($"{id}-v1", BehaviourType.PageVisit, Now.AddDays(-1)));
            }

            if (events.Count > 0)
            {
                (await tenant.Marketing.SendEventsAsync(events.Select(e => new { externalId = e.ExternalId, type = e.Type.ToString(), leadId = id, occurredAt = e.OccurredAt })))
                    .Expect(HttpStatusCode.OK);
            }

            leads[id] = (new LeadFacts(null, employees, null, title), events);
        }

        return leads;
    }

    [Fact]
    public async Task SavingAModel_RescoresEveryLeadInBatches_ProgressReachesNOfN_ScoresAreThePureFunctions_AndTheRuleMovesIqlLeads()
    {
        var tenant = await app.NewTenantAsync();
        var leads = await LeadsAsync(tenant, 23);
        var handRaised = leads.Keys.First();
        (await tenant.Marketing.MarkMqlAsync(handRaised)).Expect(HttpStatusCode.OK);

        (await tenant.Marketing.PutScoringAsync(Eager)).Expect(HttpStatusCode.OK);
        var pending = await ProgressAsync(tenant);
        Assert.Equal(("Pending", 0, 23), ((string)pending["status"]!, (int)pending["done"]!, (int)pending["total"]!));
        Assert.All((await StoredAsync(tenant)).Where(l => l.Key != handRaised), l => Assert.Equal("Iql", (string)l.Value["stage"]!));

        Assert.Equal(1, await Runner(batchSize: 5).RunPendingAsync("test", TestContext.Current.CancellationToken));

        var done = await ProgressAsync(tenant);
        Assert.Equal(("Done", 23, 23), ((string)done["status"]!, (int)done["done"]!, (int)done["total"]!));
        var stored = await StoredAsync(tenant);
        var moved = 0;
        foreach (var (id, (facts, events)) in leads)
        {
            var expected = ScoreBreakdown.Of(Eager, facts, events, Now);
            var lead = stored[id];
            Assert.Equal(expected.FitScore, (decimal?)lead["fitScore"]);
            Near(expected.EngagementScore, (decimal)lead["engagementScore"]!, 0.02m);
            var qualifies = expected.Rule.FitMet && expected.Rule.EngagementMet;
            Assert.Equal(qualifies || id == handRaised ? "Mql" : "Iql", (string)lead["stage"]!);
            if (qualifies && id != handRaised)
            {
                moved++;
                var history = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK).Body!["history"]!.AsArray();
                Assert.Equal(("Rule", "Scoring: fit ≥ 50 and engagement ≥ 15"), ((string)history[^1]!["actorKind"]!, (string)history[^1]!["actorName"]!));
            }
        }

        Assert.InRange(moved, 1, leads.Count - 2);
        Assert.Equal(moved, (int)done["madeMql"]!);
    }

    [Fact]
    public async Task LowerScores_NeverMoveALeadOut()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(Eager)).Expect(HttpStatusCode.OK);
        var leads = await LeadsAsync(tenant, 6);
        await Runner(batchSize: 100).RunPendingAsync("test", TestContext.Current.CancellationToken);
        var mqls = (await StoredAsync(tenant)).Values.Where(l => (string)l["stage"]! == "Mql").Select(l => Guid.Parse((string)l["id"]!)).ToList();
        Assert.NotEmpty(mqls);

        (await tenant.Marketing.PutScoringAsync(Eager with { Events = [], FitThreshold = 100, EngagementThreshold = 1_000 })).Expect(HttpStatusCode.OK);
        await Runner(batchSize: 2).RunPendingAsync("test", TestContext.Current.CancellationToken);

        var after = await StoredAsync(tenant);
        Assert.All(mqls, id => Assert.Equal(("Mql", 0m), ((string)after[id]["stage"]!, (decimal)after[id]["engagementScore"]!)));
        Assert.Equal(leads.Count, (int)(await ProgressAsync(tenant))["done"]!);
    }

    [Fact]
    public async Task TwoInstancesAtOnce_ClaimTheJobOnce_AndEveryLeadIsCountedOnce()
    {
        var tenant = await app.NewTenantAsync();
        await LeadsAsync(tenant, 20);
        (await tenant.Marketing.PutScoringAsync(Eager)).Expect(HttpStatusCode.OK);

        var finished = await Task.WhenAll(Runner(3).RunPendingAsync("instance-a", TestContext.Current.CancellationToken), Runner(3).RunPendingAsync("instance-b", TestContext.Current.CancellationToken));

        Assert.Equal(1, finished.Sum());
        var progress = await ProgressAsync(tenant);
        Assert.Equal(("Done", 20, 20), ((string)progress["status"]!, (int)progress["done"]!, (int)progress["total"]!));
    }

    [Fact]
    public async Task EventsKeepComingIn_WhileAJobRuns_AndTheirLeadsEndScoredOnEverything()
    {
        var tenant = await app.NewTenantAsync();
        var leads = await LeadsAsync(tenant, 30);
        var busy = leads.Keys.ElementAt(7);
        (await tenant.Marketing.PutScoringAsync(Eager)).Expect(HttpStatusCode.OK);

        var rescoring = Runner(batchSize: 2).RunPendingAsync("test", TestContext.Current.CancellationToken);
        var sent = new List<ScoredEvent>();
        for (var i = 0; i < 8; i++)
        {
            var e = new ScoredEvent($"busy-{i}", BehaviourType.ContentDownload, Now);
            sent.Add(e);
            (await tenant.Marketing.SendEventsAsync([new { externalId = e.ExternalId, type = "ContentDownload", leadId = busy, occurredAt = e.OccurredAt }])).Expect(HttpStatusCode.OK);
        }

        await rescoring;
        Assert.Equal("Done", (string)(await ProgressAsync(tenant))["status"]!);
        var (facts, events) = leads[busy];
        var expected = ScoreBreakdown.Of(Eager, facts, [.. events, .. sent], Now);
        var lead = (await StoredAsync(tenant))[busy];
        Near(expected.EngagementScore, (decimal)lead["engagementScore"]!, 0.05m);
        Assert.True(expected.EngagementScore >= 80, "the busy lead's downloads all count");
    }

    [Fact]
    public async Task Progress_IsNotFound_UntilTheModelIsChanged()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.SendAsync(HttpMethod.Get, "/api/v1/settings/scoring/rescore")).Expect(HttpStatusCode.NotFound);
    }
}

public sealed class RescoringApiTests_Sqlite(SqliteApp app) : RescoringApiTests(app), IClassFixture<SqliteApp>;

public sealed class RescoringApiTests_Postgres(PostgresApp app) : RescoringApiTests(app), IClassFixture<PostgresApp>;
