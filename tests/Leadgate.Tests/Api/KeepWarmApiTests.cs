using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Intake;
using Leadgate.Pipeline;
using Leadgate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>Issue 16: keep-warm on a controlled clock, the needs-attention view, the board's money, and the pipeline settings.</summary>
public abstract class KeepWarmApiTests(TestApp app)
{
    private static readonly string[] StaleEvent = ["deal.stale"];

    [Fact]
    public async Task AStaleDeal_IsToldToItsOwnerOncePerStaleSpell_InTheAppAndBySignedWebhook_EvenWithTwoSweepsAtOnce()
    {
        var tenant = await app.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Now = app.Clock.GetUtcNow;
        receiver.Secret = (string)(await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = receiver.Url, events = StaleEvent })).Expect(HttpStatusCode.Created).Body!["secret"]!;
        var (dealId, leadId) = await OwnedDealAsync(tenant);

        await Task.WhenAll(SweepAsync(), SweepAsync());
        Assert.Equal(0, await StaleNotificationsAsync(tenant));

        app.Clock.Advance(TimeSpan.FromDays(15));
        await Task.WhenAll(SweepAsync(), SweepAsync());
        await SweepAsync();

        Assert.Equal(1, await StaleNotificationsAsync(tenant));
        var attention = (await tenant.Sales.SendAsync(HttpMethod.Get, $"/api/v1/deals/attention?ownerId={tenant.Sales.Member.Id}")).Expect(HttpStatusCode.OK).Body!;
        var item = attention["items"]!.AsArray().Single(i => (string)i!["deal"]!["id"]! == dealId.ToString())!;
        Assert.Contains("Stale", item["reasons"]!.AsArray().Select(r => (string)r!));
        Assert.Contains("NoNextStep", item["reasons"]!.AsArray().Select(r => (string)r!));
        var board = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals/board?stale=true")).Expect(HttpStatusCode.OK).Body!;
        Assert.True((bool)board["columns"]![0]!["cards"]!.AsArray().Single(c => (string)c!["id"]! == dealId.ToString())!["stale"]!);

        await app.DeliverWebhooksAsync();
        var stale = Assert.Single(receiver.Received.ToList(), r => JsonNode.Parse(r.Body)!["data"]!["dealId"]!.ToString() == dealId.ToString());
        Assert.Equal(("deal.stale", SignatureCheck.Valid), (stale.Event, stale.Signature));

        // Warm again, then a second spell: told again, once.
        (await tenant.Sales.LogActivityAsync(leadId, "Email", "Outbound", "Sent", "Sent the revised quote")).Expect(HttpStatusCode.Created);
        await SweepAsync();
        app.Clock.Advance(TimeSpan.FromDays(15));
        await SweepAsync();
        await SweepAsync();

        Assert.Equal(2, await StaleNotificationsAsync(tenant));
    }

    [Fact]
    public async Task AScheduledActivity_KeepsTheDealWarm_UntilItsDueTimePassesUndone_AndDoneItWarmsTheDeal()
    {
        var tenant = await app.NewTenantAsync();
        var (dealId, _) = await OwnedDealAsync(tenant);
        var due = app.Clock.GetUtcNow().AddDays(20);
        var scheduled = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/activities", new { type = "Meeting", notes = "Contract walkthrough", dueAt = due }))
            .Expect(HttpStatusCode.Created);
        Assert.True((bool)scheduled.Body!["scheduled"]!);
        var activityId = scheduled.Id;

        app.Clock.Advance(TimeSpan.FromDays(15));
        Assert.False(await StaleAsync(tenant, dealId));
        Assert.DoesNotContain(dealId.ToString(), await StaleIdsAsync(tenant));

        app.Clock.Advance(TimeSpan.FromDays(6));
        Assert.True(await StaleAsync(tenant, dealId));
        Assert.Contains(dealId.ToString(), await StaleIdsAsync(tenant));

        var done = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/activities/{activityId}/done", new { outcome = "MeetingHeld" })).Expect(HttpStatusCode.OK);
        Assert.False((bool)done.Body!["stale"]!);
        Assert.NotNull(done.Body!["scheduled"]![0]!["doneAt"]);
        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/activities/{activityId}/done", new { outcome = "MeetingHeld" })).Expect(HttpStatusCode.Conflict);
        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/activities", new { type = "Call", dueAt = app.Clock.GetUtcNow().AddDays(-1) })).Expect(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ColumnTotals_EqualAPlainSumOfTheirDeals_AfterMovesToo_AndADealWithoutARate_IsShownApart()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/exchange-rates", new { rates = new[] { new { currency = "USD", rate = 0.9m } } })).Expect(HttpStatusCode.OK);
        (await tenant.Sales.SendAsync(HttpMethod.Put, "/api/v1/settings/exchange-rates", new { rates = Array.Empty<object>() })).Expect(HttpStatusCode.Forbidden);
        var bad = (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/exchange-rates", new { rates = new[] { new { currency = "XX", rate = 1m } } })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(bad.Body!["errors"]!["rates[0].currency"]);
        var deals = new List<Guid>();
        foreach (var (value, currency) in new[] { (10_000m, "EUR"), (25_500.50m, "EUR"), (8_000m, "USD"), (12_000m, "GBP"), (4_000m, "EUR") })
        {
            var leadId = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
            deals.Add(Guid.Parse((await tenant.Sales.AcceptAsync(leadId, value, currency)).Expect(HttpStatusCode.OK).Str("dealId")!));
        }

        (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{deals[1]}", new { probability = 65 })).Expect(HttpStatusCode.OK);
        await AssertTotalsAsync(tenant);

        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{deals[1]}/move", new { stage = "Proposal", amount = 25_000m })).Expect(HttpStatusCode.OK);
        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{deals[2]}/move", new { stage = "Discovery/demo" })).Expect(HttpStatusCode.OK);
        var board = await AssertTotalsAsync(tenant);

        var qualified = board["columns"]![0]!;
        Assert.Equal(("Qualified", 3), ((string)qualified["name"]!, (int)qualified["count"]!));
        Assert.Equal(14_000m, (decimal)qualified["total"]!);
        Assert.Equal(2_800m, (decimal)qualified["weightedTotal"]!);
        Assert.Equal(deals[3].ToString(), (string)Assert.Single(qualified["withoutRate"]!.AsArray())!["id"]!);
        Assert.Equal(["GBP"], board["currenciesWithoutRate"]!.AsArray().Select(c => (string)c!));
        var proposal = board["columns"]![2]!;
        Assert.Equal((25_500.50m, 16_575.33m), ((decimal)proposal["total"]!, (decimal)proposal["weightedTotal"]!));
        Assert.Equal(7_200m, (decimal)board["columns"]![1]!["total"]!);
    }

    [Fact]
    public async Task PipelineSettings_RenameReorderAddAndDeactivate_ButAStageInUse_NeitherGoesNorChangesMeaning()
    {
        var tenant = await app.NewTenantAsync();
        var (dealId, _) = await OwnedDealAsync(tenant);
        var pipeline = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/settings/pipelines")).Expect(HttpStatusCode.OK).Body!.AsArray()[0]!.AsObject();
        var stages = pipeline["stages"]!.AsArray();

        JsonObject Setting(JsonNode stage, string? name = null, string? meaning = null, bool active = true) => new()
        {
            ["id"] = (string)stage["id"]!, ["name"] = name ?? (string)stage["name"]!, ["probability"] = (int)stage["probability"]!,
            ["forecastCategory"] = (string)stage["forecastCategory"]!, ["staleAfterDays"] = (int)stage["staleAfterDays"]!,
            ["requires"] = stage["requires"]!.DeepClone(), ["meaning"] = meaning ?? (string)stage["meaning"]!, ["active"] = active,
        };
        object Body(IEnumerable<JsonNode> settings) => new { pipelines = new[] { new { id = (string)pipeline["id"]!, name = "New business", active = true, stages = settings } } };

        var renamed = stages.Select(s => (JsonNode)Setting(s!, (string)s!["name"]! == "Qualified" ? "Gekwalificeerd" : null)).ToList();
        renamed.Insert(2, new JsonObject { ["name"] = "Security review", ["probability"] = 40, ["meaning"] = "Sql", ["requires"] = new JsonArray("nextStep", "stakeholder.Legal") });
        renamed[1] = Setting(stages[1]!, active: false);
        var changed = (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines", Body(renamed))).Expect(HttpStatusCode.OK).Body!.AsArray()[0]!;

        Assert.Equal("New business", (string)changed["name"]!);
        Assert.Equal(["Gekwalificeerd", "Discovery/demo", "Security review", "Proposal"], changed["stages"]!.AsArray().Take(4).Select(s => (string)s!["name"]!));
        Assert.False((bool)changed["stages"]![1]!["active"]!);
        Assert.Equal("Gekwalificeerd", (await tenant.Sales.GetDealAsync(dealId)).Str("stage"));
        var refused = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/move", new { stage = "Security review" })).Expect(HttpStatusCode.Conflict);
        Assert.Equal(["nextStep", "stakeholder.Legal"], refused.Body!["missing"]!.AsArray().Select(m => (string)m!["code"]!));

        var current = changed["stages"]!.AsArray();
        var meaningChanged = current.Select(s => (JsonNode)Setting(s!, meaning: (string)s!["name"]! == "Gekwalificeerd" ? "Opportunity" : null)).ToList();
        (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines", Body(meaningChanged))).Expect(HttpStatusCode.Conflict);
        var withoutQualified = current.Where(s => (string)s!["name"]! != "Gekwalificeerd").Select(s => (JsonNode)Setting(s!)).ToList();
        (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines", Body(withoutQualified))).Expect(HttpStatusCode.Conflict);
        var holdingTheDealOff = current.Select(s => (JsonNode)Setting(s!, active: (string)s!["name"]! != "Gekwalificeerd")).ToList();
        var stillActive = (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines", Body(holdingTheDealOff))).Expect(HttpStatusCode.Conflict);
        Assert.Equal("stage-has-open-deals", (string)stillActive.Body!["code"]!);
        Assert.Equal("Gekwalificeerd", (await tenant.Sales.GetDealAsync(dealId)).Str("stage"));
        var unusedGone = current.Where(s => (string)s!["name"]! != "Security review").Select(s => (JsonNode)Setting(s!)).ToList();
        Assert.Equal(7, (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines", Body(unusedGone))).Expect(HttpStatusCode.OK).Body!.AsArray()[0]!["stages"]!.AsArray().Count);
        (await tenant.Sales.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines", Body(unusedGone))).Expect(HttpStatusCode.Forbidden);
        var unknownField = current.Select(s => (JsonNode)Setting(s!)).ToList();
        ((JsonObject)unknownField[0])["requires"] = new JsonArray("budget");
        Assert.NotNull((await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines", Body(unknownField))).Expect(HttpStatusCode.BadRequest).Body!["errors"]!["pipelines[0].stages[0].requires"]);
    }

    [Fact]
    public async Task ANewOrganisation_SavesTheDefaultPipelineItRead_BeforeAnyDealStoredIt()
    {
        var tenant = await app.NewTenantAsync();
        var read = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/settings/pipelines")).Expect(HttpStatusCode.OK).Body!.AsArray()[0]!.AsObject();
        var stages = read["stages"]!.AsArray().Select(stage => new
        {
            id = (string)stage!["id"]!, name = (string)stage["name"]! == "Qualified" ? "First talk" : (string)stage["name"]!, probability = (int)stage["probability"]!,
            meaning = (string)stage["meaning"]!, active = true,
        });

        var saved = (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines", new { pipelines = new[] { new { id = (string)read["id"]!, name = "Sales", active = true, stages } } }))
            .Expect(HttpStatusCode.OK).Body!.AsArray();

        var again = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/settings/pipelines")).Expect(HttpStatusCode.OK).Body!.AsArray();
        Assert.Equal((string)Assert.Single(saved)!["id"]!, (string)Assert.Single(again)!["id"]!);
        Assert.Equal("First talk", (string)again[0]!["stages"]![0]!["name"]!);
        Assert.Equal(7, again[0]!["stages"]!.AsArray().Count);
    }

    /// <summary>Checks every column's count, total and weighted total against a plain sum over the deals the API lists.</summary>
    private static async Task<JsonNode> AssertTotalsAsync(Tenant tenant)
    {
        var board = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals/board")).Expect(HttpStatusCode.OK).Body!;
        var rates = new Dictionary<string, decimal> { ["EUR"] = 1m, ["USD"] = 0.9m };
        var all = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals?status=Open&limit=200")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        foreach (var column in board["columns"]!.AsArray())
        {
            var inColumn = all.Where(d => (string)d!["stage"]! == (string)column!["name"]!).ToList();
            var summed = inColumn.Where(d => rates.ContainsKey((string)d!["currency"]!)).ToList();
            Assert.Equal(inColumn.Count, (int)column!["count"]!);
            Assert.Equal(decimal.Round(summed.Sum(d => (decimal)d!["value"]! * rates[(string)d["currency"]!]), 2, MidpointRounding.AwayFromZero), (decimal)column["total"]!);
            Assert.Equal(decimal.Round(summed.Sum(d => (decimal)d!["value"]! * rates[(string)d["currency"]!] * (int)d["probability"]! / 100m), 2, MidpointRounding.AwayFromZero), (decimal)column["weightedTotal"]!);
            Assert.Equal(inColumn.Count - summed.Count, column["withoutRate"]!.AsArray().Count);
        }

        return board;
    }

    private async Task SweepAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SweepStaleDeals>().RunAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<int> StaleNotificationsAsync(Tenant tenant) =>
        (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/notifications")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray().Count(n => (string)n!["kind"]! == "DealStale");

    private static async Task<bool> StaleAsync(Tenant tenant, Guid dealId) => (bool)(await tenant.Sales.GetDealAsync(dealId)).Expect(HttpStatusCode.OK).Body!["stale"]!;

    private static async Task<List<string>> StaleIdsAsync(Tenant tenant) =>
        [.. (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals?stale=true&limit=200")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray().Select(d => (string)d!["id"]!)];

    /// <summary>A deal owned by the sales user (routing may have given the lead to the other rep).</summary>
    private static async Task<(Guid DealId, Guid LeadId)> OwnedDealAsync(Tenant tenant)
    {
        var leadId = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var dealId = Guid.Parse((await tenant.Sales.AcceptAsync(leadId)).Expect(HttpStatusCode.OK).Str("dealId")!);
        (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { ownerId = tenant.Sales.Member.Id })).Expect(HttpStatusCode.OK);
        return (dealId, leadId);
    }
}

public sealed class KeepWarmApiTests_Sqlite(SqliteApp app) : KeepWarmApiTests(app), IClassFixture<SqliteApp>;

public sealed class KeepWarmApiTests_Postgres(PostgresApp app) : KeepWarmApiTests(app), IClassFixture<PostgresApp>;
