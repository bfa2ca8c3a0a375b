using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Scoring;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Behaviour events in through the API, scored, and the MQL rule applied; run on SQLite and on PostgreSQL.</summary>
public abstract class ScoringApiTests(TestApp app)
{
    /// <summary>Downloads worth 10 points each without a cap, so thresholds are easy to reach step by step.</summary>
    private static readonly ScoringModel Downloads = ScoringModel.Default with
    {
        Events = [new EventRule { Type = BehaviourType.ContentDownload, Points = 10 }, new EventRule { Type = BehaviourType.DemoRequest, Points = 50, Repeatable = false }, new EventRule { Type = BehaviourType.PageVisit, Points = 1 }],
        HalfLifeDays = 30,
    };

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private static object Event(string externalId, string type, DateTimeOffset occurredAt, Guid? leadId = null, string? email = null, object? properties = null) =>
        new { externalId, type, leadId, email, occurredAt, properties };

    private static JsonArray History(ApiResponse lead) => lead.Body!["history"]!.AsArray();

    private static decimal Engagement(ApiResponse lead) => (decimal)lead.Body!["engagementScore"]!;

    [Fact]
    public async Task ADemoRequest_MakesAnIqlLeadMqlAtOnce_WithTheRuleNamedInItsHistory()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();

        var sent = (await tenant.Marketing.SendEventsAsync([Event("demo-1", "DemoRequest", Now, leadId: id, properties: new { page = "/pricing" })])).Expect(HttpStatusCode.OK);

        Assert.Equal("Stored", (string)sent.Body!["results"]![0]!["status"]!);
        Assert.Equal("Hand-raise: DemoRequest", (string)sent.Body!["qualified"]![0]!["rule"]!);
        var lead = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal("Mql", lead.Str("stage"));
        var moved = History(lead)[^1]!;
        Assert.Equal(("Iql", "Mql", "Rule", "Hand-raise: DemoRequest"), ((string)moved["from"]!, (string)moved["to"]!, (string)moved["actorKind"]!, (string)moved["actorName"]!));
        Assert.Equal("DemoRequest", (string)lead.Body!["scoreBreakdown"]!["rule"]!["handRaise"]!);
        Assert.Equal(50m, Engagement(lead));
    }

    [Fact]
    public async Task SmallEvents_MakeALeadMql_OnlyWhenFitAndEngagementBothMeetTheirThresholds()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(Downloads)).Expect(HttpStatusCode.OK);
        var good = await tenant.Marketing.NewLeadAsync();
        var poor = (await tenant.Marketing.CreateLeadAsync(new { email = "intern@tiny.example.com", jobTitle = "Intern", company = new { name = "Tiny", employees = 3 } })).Expect(HttpStatusCode.Created).Id;

        (await tenant.Marketing.SendEventsAsync([.. Enumerable.Range(1, 3).Select(i => Event($"good-{i}", "ContentDownload", Now, leadId: good))])).Expect(HttpStatusCode.OK);
        (await tenant.Marketing.SendEventsAsync([.. Enumerable.Range(1, 10).Select(i => Event($"poor-{i}", "ContentDownload", Now, leadId: poor))])).Expect(HttpStatusCode.OK);

        var before = (await tenant.Marketing.GetLeadAsync(good)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Iql", 100m, 30m), (before.Str("stage"), (decimal)before.Body!["fitScore"]!, Engagement(before)));
        var poorLead = (await tenant.Marketing.GetLeadAsync(poor)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Iql", 0m, 100m), (poorLead.Str("stage"), (decimal)poorLead.Body!["fitScore"]!, Engagement(poorLead)));

        (await tenant.Marketing.SendEventsAsync([Event("good-4", "ContentDownload", Now, leadId: good)])).Expect(HttpStatusCode.OK);

        var after = (await tenant.Marketing.GetLeadAsync(good)).Expect(HttpStatusCode.OK);
        Assert.Equal("Mql", after.Str("stage"));
        Assert.Equal("Scoring: fit ≥ 60 and engagement ≥ 40", (string)History(after)[^1]!["actorName"]!);
        var downloads = after.Body!["scoreBreakdown"]!["engagement"]!.AsArray().Single(t => (string)t!["type"]! == "ContentDownload")!;
        Assert.Equal(4, (int)downloads["count"]!);
        Assert.Equal("good-4", (string)downloads["events"]![0]!["externalId"]!);
    }

    [Fact]
    public async Task AnEventOfATypeAtItsCap_ChangesNoScore_AndLeavesTheLeadsVersionAlone()
    {
        var tenant = await app.NewTenantAsync();
        // Fit 0, so no rule moves it: only the scores could change.
        var id = (await tenant.Marketing.CreateLeadAsync(new { email = "capped@tiny.example.com", jobTitle = "Intern", company = new { name = "Tiny", employees = 3 } })).Expect(HttpStatusCode.Created).Id;
        (await tenant.Marketing.SendEventsAsync([.. Enumerable.Range(1, 10).Select(i => Event($"visit-{i}", "PageVisit", Now, leadId: id))])).Expect(HttpStatusCode.OK);
        var capped = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Iql", 20m), (capped.Str("stage"), Engagement(capped))); // page visits: 2 points each, capped at 20

        var sent = (await tenant.Marketing.SendEventsAsync([Event("visit-11", "PageVisit", Now, leadId: id)])).Expect(HttpStatusCode.OK);

        Assert.Equal("Stored", (string)sent.Body!["results"]![0]!["status"]!);
        var unchanged = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal((capped.ETag, 20m), (unchanged.ETag, Engagement(unchanged)));
        var visits = unchanged.Body!["scoreBreakdown"]!["engagement"]!.AsArray().Single(t => (string)t!["type"]! == "PageVisit")!;
        Assert.Equal(11, (int)visits["count"]!);

        // A type below its cap still changes the score, and with it the version.
        (await tenant.Marketing.SendEventsAsync([Event("download-1", "ContentDownload", Now, leadId: id)])).Expect(HttpStatusCode.OK);
        var changed = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.NotEqual(capped.ETag, changed.ETag);
        Assert.True(Engagement(changed) > 20m);
    }

    [Fact]
    public async Task Decay_LowersScoresOverTime_ButNeverMovesALeadOutOfMql()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(Downloads)).Expect(HttpStatusCode.OK);
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.SendEventsAsync([.. Enumerable.Range(1, 5).Select(i => Event($"dl-{i}", "ContentDownload", Now, leadId: id))])).Expect(HttpStatusCode.OK);
        var mql = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Mql", 50m), (mql.Str("stage"), Engagement(mql)));

        app.Clock.Advance(TimeSpan.FromDays(30));

        var decayed = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(25m, Engagement(decayed));
        Assert.Equal(25m, (decimal)decayed.Body!["scoreBreakdown"]!["engagement"]![0]!["decayedAway"]!);
        Assert.Equal("Mql", decayed.Str("stage"));

        (await tenant.Marketing.SendEventsAsync([Event("visit-1", "PageVisit", Now, leadId: id)])).Expect(HttpStatusCode.OK);

        var rescored = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal("Mql", rescored.Str("stage"));
        Assert.Equal(History(mql).Count, History(rescored).Count);
        var row = (await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray().Single()!;
        Assert.Equal(26m, (decimal)row["engagementScore"]!);
    }

    [Fact]
    public async Task AnUnknownEmail_CreatesAnIqlLead_ByTheCaller()
    {
        var tenant = await app.NewTenantAsync();

        var sent = (await tenant.Marketing.SendEventsAsync([Event("v-1", "PageVisit", Now, email: "New.Person@Prospect.example.com"), Event("v-2", "PageVisit", Now, email: "new.person@prospect.example.com")])).Expect(HttpStatusCode.OK);

        var created = Assert.Single(sent.Body!["createdLeads"]!.AsArray());
        var lead = (await tenant.Marketing.GetLeadAsync(Guid.Parse((string)created!))).Expect(HttpStatusCode.OK);
        Assert.Equal(("Iql", "new.person@prospect.example.com", "prospect.example.com"), (lead.Str("stage"), lead.Str("email"), (string)lead.Body!["company"]!["domain"]!));
        Assert.Equal(tenant.Members["marketing"].Id, Guid.Parse((string)History(lead)[0]!["actorUserId"]!));
        Assert.Equal(2, (int)sent.Body!["stored"]!);
        Assert.Equal(4m, Engagement(lead));
    }

    [Fact]
    public async Task TheSameExternalId_IsARepeatWithTheSameBody_AndAConflictWithAnother_AndNeitherCountsTwice()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        var at = Now;
        (await tenant.Marketing.SendEventsAsync([Event("x-1", "ContentDownload", at, leadId: id, properties: new { asset = "guide.pdf" })])).Expect(HttpStatusCode.OK);

        var again = (await tenant.Marketing.SendEventsAsync([
            Event("x-1", "ContentDownload", at, leadId: id, properties: new { asset = "guide.pdf" }),
            Event("x-1", "ContentDownload", at, leadId: id, properties: new { asset = "other.pdf" }),
            Event("x-2", "ContentDownload", at, leadId: id),
            Event("x-2", "Webinar", at, leadId: id),
        ])).Expect(HttpStatusCode.OK);

        Assert.Equal(["Repeat", "Conflict", "Stored", "Conflict"], again.Body!["results"]!.AsArray().Select(r => (string)r!["status"]!));
        var lead = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, lead.Body!["scoreBreakdown"]!["engagement"]!.AsArray().Sum(t => (int)t!["count"]!));
    }

    [Fact]
    public async Task ABadBatch_IsRefusedWhole_NamingEachEventAndField_AndWritesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var events = new[]
        {
            Event("ok-0", "PageVisit", Now, email: "a@prospect.example.com"),
            Event("ok-1", "PageVisit", Now, email: "not-an-email"),
            Event("ok-2", "PageVisit", Now, email: "b@prospect.example.com"),
            Event("ok-3", "Telepathy", Now, email: "c@prospect.example.com"),
            new { externalId = "ok-4", type = "PageVisit", email = "d@prospect.example.com" },
            Event("ok-5", "PageVisit", Now, leadId: Guid.NewGuid(), email: "e@prospect.example.com"),
            Event("", "PageVisit", Now, email: "f@prospect.example.com"),
            Event("ok-7", "PageVisit", Now.AddDays(3), email: "g@prospect.example.com", properties: "not an object"),
        };

        var refused = (await tenant.Marketing.SendEventsAsync(events)).Expect(HttpStatusCode.BadRequest);

        Assert.Equal(
            ["events[1].email", "events[3].type", "events[4].occurredAt", "events[5].email", "events[6].externalId", "events[7].occurredAt", "events[7].properties"],
            refused.Body!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Empty((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());

        var unknownLead = (await tenant.Marketing.SendEventsAsync([Event("ok-0", "PageVisit", Now, email: "a@prospect.example.com"), Event("u-1", "PageVisit", Now, leadId: Guid.NewGuid())])).Expect(HttpStatusCode.BadRequest);
        Assert.Equal(["events[1].leadId"], unknownLead.Body!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Empty((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());

        var good = (await tenant.Marketing.SendEventsAsync([Event("ok-0", "PageVisit", Now, email: "a@prospect.example.com")])).Expect(HttpStatusCode.OK);
        Assert.Equal("Stored", (string)good.Body!["results"]![0]!["status"]!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_001)]
    public async Task ABatchOfNoneOrMoreThanAThousand_IsRefusedNamingEvents(int count)
    {
        var tenant = await app.NewTenantAsync();

        var refused = (await tenant.Marketing.SendEventsAsync([.. Enumerable.Range(0, count).Select(i => Event($"e-{i}", "PageVisit", Now, email: "a@prospect.example.com"))])).Expect(HttpStatusCode.BadRequest);

        Assert.Equal(["events"], refused.Body!["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task ANurtureLead_RequalifiesOnlyAfterItsRevisitDate()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        var revisit = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(10);
        (await tenant.Sales.RejectAsync(id, revisitOn: revisit.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Expect(HttpStatusCode.OK);

        (await tenant.Marketing.SendEventsAsync([Event("demo-early", "DemoRequest", Now, leadId: id)])).Expect(HttpStatusCode.OK);
        Assert.Equal("Nurture", (await tenant.Marketing.GetLeadAsync(id)).Str("stage"));

        app.Clock.Advance(TimeSpan.FromDays(11));
        (await tenant.Marketing.SendEventsAsync([Event("demo-later", "DemoRequest", Now, leadId: id)])).Expect(HttpStatusCode.OK);

        var lead = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal("Mql", lead.Str("stage"));
        Assert.Equal(("Nurture", "Hand-raise: DemoRequest"), ((string)History(lead)[^1]!["from"]!, (string)History(lead)[^1]!["actorName"]!));
    }

    [Fact]
    public async Task ADisqualifiedLead_NeverRequalifies_ButItsEventsAreKept()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.DisqualifyAsync(id)).Expect(HttpStatusCode.OK);

        var sent = (await tenant.Marketing.SendEventsAsync([Event("demo", "DemoRequest", Now, leadId: id), .. Enumerable.Range(1, 10).Select(i => Event($"dl-{i}", "ContentDownload", Now, leadId: id))])).Expect(HttpStatusCode.OK);

        Assert.Equal(11, (int)sent.Body!["stored"]!);
        Assert.Empty(sent.Body!["qualified"]!.AsArray());
        var lead = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal("Disqualified", lead.Str("stage"));
        Assert.True(Engagement(lead) > 40m);
    }

    [Fact]
    public async Task ReplayingABatchThreeTimes_StoresEachEventOnce_AndScoresAsIfSentOnce()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(ScoringModel.Default with { HalfLifeDays = 0 })).Expect(HttpStatusCode.OK);
        var batch = Batch("replay", 1_000, 60, Now);

        var first = (await tenant.Marketing.SendEventsAsync(batch)).Expect(HttpStatusCode.OK);
        Assert.Equal((1_000, 60), ((int)first.Body!["stored"]!, first.Body!["createdLeads"]!.AsArray().Count));
        var once = await ScoresAsync(tenant.Marketing);

        for (var replay = 0; replay < 2; replay++)
        {
            var again = (await tenant.Marketing.SendEventsAsync(batch)).Expect(HttpStatusCode.OK);
            Assert.Equal((0, 1_000, 0), ((int)again.Body!["stored"]!, (int)again.Body!["repeats"]!, again.Body!["createdLeads"]!.AsArray().Count));
        }

        Assert.Equal(once, await ScoresAsync(tenant.Marketing));
        Assert.Equal(Expected(batch), once);
    }

    [Fact]
    public async Task EightClientsReplayingTheSameBatchesAtOnce_StoreEachEventOnce_AndScoreAsIfSentOnce()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(ScoringModel.Default with { HalfLifeDays = 0 })).Expect(HttpStatusCode.OK);
        var at = Now;
        var batches = new[] { Batch("a", 1_000, 100, at), Batch("b", 1_000, 100, at) };

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var client = tenant.Client("marketing");
            var sent = new List<ApiResponse>();
            foreach (var batch in batches)
            {
                sent.Add((await client.SendEventsAsync(batch)).Expect(HttpStatusCode.OK));
            }

            return sent;
        }));

        var all = answers.SelectMany(a => a).ToList();
        Assert.Equal(2_000, all.Sum(a => (int)a.Body!["stored"]!));
        Assert.Equal(8 * 2_000 - 2_000, all.Sum(a => (int)a.Body!["repeats"]!));
        Assert.Equal(100, all.Sum(a => a.Body!["createdLeads"]!.AsArray().Count));
        Assert.Equal(Expected([.. batches[0], .. batches[1]]), await ScoresAsync(tenant.Marketing));
    }

    [Fact]
    public async Task ChangingAJobTitle_RescoresFit()
    {
        var tenant = await app.NewTenantAsync();
        var id = (await tenant.Marketing.CreateLeadAsync(new { email = "jo@bigco.example.com", jobTitle = "Intern", company = new { name = "BigCo", employees = 250 } })).Expect(HttpStatusCode.Created).Id;
        Assert.Equal(50m, (decimal)(await tenant.Marketing.ListLeadsAsync()).Body!["items"]![0]!["fitScore"]!);

        (await tenant.Marketing.PatchLeadAsync(id, new { jobTitle = "CEO" })).Expect(HttpStatusCode.OK);

        Assert.Equal(100m, (decimal)(await tenant.Marketing.ListLeadsAsync()).Body!["items"]![0]!["fitScore"]!);
    }

    /// <summary>
    /// The event writer keeps its context (and on SQLite its connection) from one group to the next; what other
    /// requests changed in between (a lead's facts, the scoring model) must still be what its next group scores with.
    /// </summary>
    [Fact]
    public async Task TheEventWriter_ScoresWithWhatOtherRequestsChangedSinceItsLastGroup()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(Downloads)).Expect(HttpStatusCode.OK);
        var id = (await tenant.Marketing.CreateLeadAsync(new { email = "sam@bigco.example.com", jobTitle = "Intern", company = new { name = "BigCo", employees = 250 } })).Expect(HttpStatusCode.Created).Id;
        (await tenant.Marketing.SendEventsAsync([Event("sam-1", "ContentDownload", Now, leadId: id)])).Expect(HttpStatusCode.OK);
        var first = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Iql", 50m, 10m), (first.Str("stage"), (decimal)first.Body!["fitScore"]!, Engagement(first)));

        (await tenant.Marketing.PatchLeadAsync(id, new { jobTitle = "CEO" })).Expect(HttpStatusCode.OK);
        (await tenant.Marketing.PutScoringAsync(Downloads with { Events = [new EventRule { Type = BehaviourType.ContentDownload, Points = 20 }] })).Expect(HttpStatusCode.OK);
        var sent = (await tenant.Marketing.SendEventsAsync([Event("sam-2", "ContentDownload", Now, leadId: id)])).Expect(HttpStatusCode.OK);

        Assert.Equal("Stored", (string)sent.Body!["results"]![0]!["status"]!);
        var after = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Mql", 100m, 40m), (after.Str("stage"), (decimal)after.Body!["fitScore"]!, Engagement(after)));
        Assert.Equal("Scoring: fit ≥ 60 and engagement ≥ 40", (string)History(after)[^1]!["actorName"]!);
    }

    [Fact]
    public async Task ScoringSettings_AreChangedByMarketingOrAdmin_ValidatedByField_AndPreviewedWithoutSaving()
    {
        var tenant = await app.NewTenantAsync();
        var defaults = (await tenant.Sales.GetScoringAsync()).Expect(HttpStatusCode.OK);
        Assert.Equal(60m, (decimal)defaults.Body!["fitThreshold"]!);
        Assert.Equal(["EmailReply", "DemoRequest"], defaults.Body!["handRaiseTypes"]!.AsArray().Select(t => (string)t!));

        (await tenant.Sales.PutScoringAsync(Downloads)).Expect(HttpStatusCode.Forbidden);
        var invalid = (await tenant.Marketing.PutScoringAsync(Downloads with { FitThreshold = 120, Criteria = [Downloads.Criteria[0] with { Weight = 0 }] })).Expect(HttpStatusCode.BadRequest);
        Assert.Equal(["criteria[0].weight", "fitThreshold"], invalid.Body!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));

        var good = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.CreateLeadAsync(new { email = "intern@tiny.example.com", jobTitle = "Intern", company = new { name = "Tiny", employees = 3 } })).Expect(HttpStatusCode.Created);
        (await tenant.Marketing.SendEventsAsync([Event("dl-1", "ContentDownload", Now, leadId: good)])).Expect(HttpStatusCode.OK);

        var strict = (await tenant.Marketing.PreviewScoringAsync(Downloads)).Expect(HttpStatusCode.OK);
        Assert.Equal((2, 1, 0), ((int)strict.Body!["leads"]!, (int)strict.Body!["fitMet"]!, (int)strict.Body!["mqlEligible"]!));
        var lenient = (await tenant.Admin.PreviewScoringAsync(Downloads with { EngagementThreshold = 10 })).Expect(HttpStatusCode.OK);
        Assert.Equal((1, 1), ((int)lenient.Body!["mqlEligible"]!, (int)lenient.Body!["wouldBecomeMql"]!));
        (await tenant.Sales.PreviewScoringAsync(Downloads)).Expect(HttpStatusCode.Forbidden);
        Assert.Equal(defaults.Text, (await tenant.Marketing.GetScoringAsync()).Text);

        (await tenant.Admin.PutScoringAsync(Downloads with { EngagementThreshold = 10 })).Expect(HttpStatusCode.OK);
        Assert.Equal(10m, (decimal)(await tenant.Marketing.GetScoringAsync()).Body!["engagementThreshold"]!);
    }

    /// <summary>A batch of events over a number of unknown people, with a mix of types, every one at the given moment.</summary>
    private static List<object> Batch(string prefix, int count, int people, DateTimeOffset at)
    {
        string[] types = ["PageVisit", "ContentDownload", "FormSubmit", "Webinar", "NewsletterSignup", "PageVisit", "Custom"];
        return [.. Enumerable.Range(0, count).Select(i => Event($"{prefix}-{i}", types[i % types.Length], at, email: $"person{i % people}@replay.example.com", properties: new { n = i }))];
    }

    /// <summary>What the pure scoring gives each person for these events (without decay): "scored as if sent once".</summary>
    private static Dictionary<string, decimal> Expected(List<object> events) =>
        events.Select(e => (JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(e, System.Text.Json.JsonSerializerOptions.Web))!))
            .GroupBy(e => (string)e["email"]!)
            .ToDictionary(
                g => g.Key,
                g => EngagementScoring.Score(ScoringModel.Default with { HalfLifeDays = 0 }, [.. g.Select(e => new ScoredEvent((string)e["externalId"]!, Enum.Parse<BehaviourType>((string)e["type"]!), DateTimeOffset.UnixEpoch))], DateTimeOffset.UnixEpoch).Score);

    private static async Task<Dictionary<string, decimal>> ScoresAsync(LeadgateClient client) =>
        (await client.ListLeadsAsync("?limit=200")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray()
            .ToDictionary(l => (string)l!["email"]!, l => (decimal)l!["engagementScore"]!);
}

public sealed class ScoringApiTests_Sqlite(SqliteApp app) : ScoringApiTests(app), IClassFixture<SqliteApp>;

public sealed class ScoringApiTests_Postgres(PostgresApp app) : ScoringApiTests(app), IClassFixture<PostgresApp>;
