using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Issue 4: qualification settings, SQL priority and marketing's feedback, on SQLite and PostgreSQL.</summary>
public abstract class QualificationApiTests(TestApp app)
{
    private DateOnly Today => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task TheSqlMinimum_DefaultsToNeedConfirmed_AndAChangedMinimumIsWhatAcceptChecks()
    {
        var tenant = await app.NewTenantAsync();
        var settings = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/settings/qualification")).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal(("Confirmed", null), ((string?)settings["sqlMinimum"]!["need"], (string?)settings["sqlMinimum"]!["budget"]));

        var changed = Put(settings, minimum: new JsonObject { ["budget"] = "Partial", ["need"] = "Confirmed" });
        (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/qualification", rawJson: changed.ToJsonString())).Expect(HttpStatusCode.OK);

        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var refused = (await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.Conflict);
        Assert.Equal(["bant.budget"], refused.Body!["missing"]!.AsArray().Select(m => (string)m!["code"]!));
        (await tenant.Sales.RecordBantAsync(id, need: "Confirmed", budget: "Partial")).Expect(HttpStatusCode.OK);
        (await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OnlyAdminsAndManagers_ChangeTheSettings_AndBadValuesAreNamed_WithNothingChanged()
    {
        var tenant = await app.NewTenantAsync();
        var settings = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/qualification")).Body!;
        (await tenant.Sales.SendAsync(HttpMethod.Put, "/api/v1/settings/qualification", rawJson: settings.ToJsonString())).Expect(HttpStatusCode.Forbidden);
        (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/qualification", rawJson: settings.ToJsonString())).Expect(HttpStatusCode.OK);

        var bad = Put(settings, minimum: new JsonObject { ["need"] = "No" });
        var answer = (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/qualification", rawJson: bad.ToJsonString())).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(answer.Body!["errors"]!["sqlMinimum.need"]);

        var reasons = settings["reasons"]!.AsArray().Select(r => r!.DeepClone()).ToList();
        reasons.Add(new JsonObject { ["kind"] = "Rejection", ["code"] = "no such code!", ["label"] = "x", ["active"] = true });
        answer = (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/qualification", rawJson: Put(settings, reasons: reasons).ToJsonString())).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(answer.Body!["errors"]![$"reasons[{reasons.Count - 1}].code"]);

        var noRejections = settings["reasons"]!.AsArray().Where(r => (string)r!["kind"]! != "Rejection").Select(r => r!.DeepClone()).ToList();
        answer = (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/qualification", rawJson: Put(settings, reasons: noRejections).ToJsonString())).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(answer.Body!["errors"]!["reasons"]);
        Assert.Equal(settings.ToJsonString(), (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/qualification")).Text);
    }

    [Fact]
    public async Task AReasonAdded_IsOffered_AndOneLeftOut_IsNoLongerAccepted_ButStaysInHistory()
    {
        var tenant = await app.NewTenantAsync();
        var early = await MqlAsync(tenant);
        (await tenant.Sales.RejectAsync(early, "NoResponse")).Expect(HttpStatusCode.OK);
        var settings = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/qualification")).Body!;
        var reasons = settings["reasons"]!.AsArray().Where(r => (string)r!["code"]! != "NoResponse").Select(r => r!.DeepClone()).ToList();
        reasons.Insert(0, new JsonObject { ["kind"] = "Rejection", ["code"] = "WrongTiming", ["label"] = "Wrong timing", ["requiresNote"] = false, ["active"] = true });
        (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/qualification", rawJson: Put(settings, reasons: reasons).ToJsonString())).Expect(HttpStatusCode.OK);

        var listed = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/reasons?kind=Rejection")).Body!.AsArray().Select(r => (string)r!["code"]!).ToList();
        Assert.Equal("WrongTiming", listed[0]);
        Assert.DoesNotContain("NoResponse", listed);
        (await tenant.Sales.RejectAsync(await MqlAsync(tenant), "NoResponse")).Expect(HttpStatusCode.BadRequest);
        (await tenant.Sales.RejectAsync(await MqlAsync(tenant), "WrongTiming")).Expect(HttpStatusCode.OK);
        var history = (await tenant.Sales.GetLeadAsync(early)).Body!["history"]!.AsArray();
        Assert.Equal("NoResponse", (string)history[^1]!["reason"]!);
    }

    [Fact]
    public async Task ThePriorityList_PutsAllFourBantConfirmedAndNextWeek_AboveTwoConfirmedAndSixMonths_AndSaysWhy()
    {
        var tenant = await app.NewTenantAsync();
        var later = await SqlAsync(tenant, budget: "Confirmed", authority: "Unknown", timeline: "Partial", date: Today.AddMonths(6));
        var soon = await SqlAsync(tenant, budget: "Confirmed", authority: "Confirmed", timeline: "Confirmed", date: Today.AddDays(7));

        var items = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/sql-priority")).Expect(HttpStatusCode.OK).Body!.AsArray();

        Assert.Equal([soon.ToString(), later.ToString()], items.Select(i => (string)i!["leadId"]!));
        Assert.Equal([1, 2], items.Select(i => (int)i!["rank"]!));
        Assert.True((int)items[0]!["score"]! > (int)items[1]!["score"]!);
        var why = items[0]!["reasons"]!.AsArray();
        Assert.Equal((4, 40), ((int)why.Single(r => (string)r!["factor"]! == "Bant")!["confirmed"]!, (int)why.Single(r => (string)r!["factor"]! == "Bant")!["points"]!));
        var timeline = why.Single(r => (string)r!["factor"]! == "Timeline")!;
        Assert.Equal((7, 30), ((int)timeline["daysAway"]!, (int)timeline["points"]!));
        Assert.Contains("in 7 days", (string)timeline["text"]!, StringComparison.Ordinal);
        var laterWhy = items[1]!["reasons"]!.AsArray();
        Assert.Equal(2, (int)laterWhy.Single(r => (string)r!["factor"]! == "Bant")!["confirmed"]!);
        Assert.True((int)laterWhy.Single(r => (string)r!["factor"]! == "Timeline")!["daysAway"]! > 150);

        Assert.Equal(2, (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/sql-priority?mine=true")).Body!.AsArray().Count);
        Assert.Empty((await tenant.Sales2.SendAsync(HttpMethod.Get, "/api/v1/sql-priority?mine=true")).Body!.AsArray());
    }

    [Fact]
    public async Task ARejectedMql_ShowsInFeedbackWithItsReasonAndConversation_AndAfterItsRevisitDateScoringMakesItMqlAgain_ButNotADisqualifiedOne()
    {
        var tenant = await app.NewTenantAsync();
        var rejected = await MqlAsync(tenant);
        var disqualified = await MqlAsync(tenant);
        (await tenant.Sales.LogActivityAsync(rejected, "Call", "Outbound", "Connected", "They plan to buy after their reorganisation")).Expect(HttpStatusCode.Created);
        (await tenant.Sales.RejectAsync(rejected, "NotReadyToBuy", "Call again in spring", Iso(Today.AddDays(30)))).Expect(HttpStatusCode.OK);
        (await tenant.Sales.DisqualifyAsync(disqualified, "Competitor")).Expect(HttpStatusCode.OK);

        var feedback = (await tenant.Marketing.SendAsync(HttpMethod.Get, "/api/v1/feedback")).Expect(HttpStatusCode.OK).Body!;
        var sentBack = feedback["sentBack"]!.AsArray();
        Assert.Equal([disqualified.ToString(), rejected.ToString()], sentBack.Select(s => (string)s!["leadId"]!));
        var item = sentBack[1]!;
        Assert.Equal(("Nurture", "NotReadyToBuy", "Call again in spring", Iso(Today.AddDays(30))),
            ((string)item["to"]!, (string)item["reason"]!, (string)item["note"]!, (string)item["revisitOn"]!));
        Assert.Equal("They plan to buy after their reorganisation", (string)item["conversation"]![0]!["notes"]!);
        Assert.Equal(("Disqualified", "Competitor"), ((string)sentBack[0]!["to"]!, (string)sentBack[0]!["reason"]!));
        var source = feedback["bySource"]!.AsArray().Single()!;
        Assert.Equal(("Website", "Spring webinar", 2, 0, 1, 1), ((string)source["source"]!, (string)source["campaign"]!, (int)source["mqls"]!, (int)source["accepted"]!, (int)source["rejected"]!, (int)source["disqualified"]!));

        // Before the revisit date a hand-raise changes nothing; after it, the same rule makes the lead an MQL again.
        (await tenant.Marketing.SendEventsAsync([DemoRequest("early", rejected), DemoRequest("early-d", disqualified)])).Expect(HttpStatusCode.OK);
        Assert.Equal("Nurture", (await tenant.Marketing.GetLeadAsync(rejected)).Str("stage"));
        app.Clock.Advance(TimeSpan.FromDays(31));
        (await tenant.Marketing.SendEventsAsync([DemoRequest("late", rejected), DemoRequest("late-d", disqualified)])).Expect(HttpStatusCode.OK);
        Assert.Equal("Mql", (await tenant.Marketing.GetLeadAsync(rejected)).Str("stage"));
        Assert.Equal("Disqualified", (await tenant.Marketing.GetLeadAsync(disqualified)).Str("stage"));

        var after = (await tenant.Marketing.SendAsync(HttpMethod.Get, "/api/v1/feedback")).Body!["sentBack"]!.AsArray();
        Assert.Equal(("Mql", null), ((string)after[1]!["stageNow"]!, (string?)after[1]!["revisitOn"]));
    }

    [Fact]
    public async Task FeedbackCountsPerSourceAndCampaign_HowManyMqlsSalesAccepted()
    {
        var tenant = await app.NewTenantAsync();
        await SqlAsync(tenant, "Confirmed", "Confirmed", "Confirmed", Today.AddDays(20));
        await SqlAsync(tenant, "Confirmed", "Confirmed", "Confirmed", Today.AddDays(20));
        (await tenant.Sales.RejectAsync(await MqlAsync(tenant))).Expect(HttpStatusCode.OK);
        await MqlAsync(tenant);
        await tenant.Marketing.NewLeadAsync();

        var source = (await tenant.Marketing.SendAsync(HttpMethod.Get, "/api/v1/feedback")).Body!["bySource"]!.AsArray().Single()!;
        Assert.Equal((4, 2, 1, 0, 1, 0.667m), ((int)source["mqls"]!, (int)source["accepted"]!, (int)source["rejected"]!, (int)source["disqualified"]!, (int)source["open"]!, (decimal)source["acceptanceRate"]!));
    }

    private static JsonObject Put(JsonNode settings, JsonObject? minimum = null, IEnumerable<JsonNode>? reasons = null) => new()
    {
        ["sqlMinimum"] = minimum ?? settings["sqlMinimum"]!.DeepClone(),
        ["reasons"] = new JsonArray([.. reasons ?? settings["reasons"]!.AsArray().Select(r => r!.DeepClone())]),
    };

    private object DemoRequest(string id, Guid leadId) =>
        new { externalId = $"{id}-{leadId:N}", type = "DemoRequest", leadId, occurredAt = app.Clock.GetUtcNow(), properties = (object?)null };

    private static async Task<Guid> MqlAsync(Tenant tenant)
    {
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        return id;
    }

    private static async Task<Guid> SqlAsync(Tenant tenant, string budget, string authority, string timeline, DateOnly date)
    {
        var id = await MqlAsync(tenant);
        (await tenant.Sales.AssignAsync(id, tenant.Sales.Member.Id)).Expect(HttpStatusCode.OK);
        (await tenant.Sales.LogConnectedCallAsync(id)).Expect(HttpStatusCode.Created);
        (await tenant.Sales.SendAsync(HttpMethod.Put, $"/api/v1/leads/{id}/bant", new
        {
            budget = new { status = budget, amount = 25_000m },
            authority = new { status = authority, name = "Jan Jansen", role = "CFO" },
            need = new { status = "Confirmed" },
            timeline = new { status = timeline, date = Iso(date) },
        })).Expect(HttpStatusCode.OK);
        (await tenant.Sales.AcceptAsync(id, 24_000m, "EUR", Iso(date.AddDays(30)))).Expect(HttpStatusCode.OK);
        return id;
    }
}

public sealed class QualificationApiTests_Sqlite(SqliteApp app) : QualificationApiTests(app), IClassFixture<SqliteApp>;

public sealed class QualificationApiTests_Postgres(PostgresApp app) : QualificationApiTests(app), IClassFixture<PostgresApp>;
