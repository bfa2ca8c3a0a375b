using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Intake;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Issue 16: deals on a pipeline, moved through the lead's lifecycle, with plans, stakeholders and history.</summary>
public abstract class PipelineApiTests(TestApp app)
{
    private static readonly string[] DealEvents = ["deal.won", "deal.lost", "deal.stage_changed"];

    [Fact]
    public async Task Accepting_OpensTheDeal_InTheFirstStage_WithItsDefaults_AndAFirstHistoryRow()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);

        var deal = (await tenant.Sales.GetDealAsync(dealId)).Expect(HttpStatusCode.OK);

        Assert.Equal(("Qualified", 20, "Stage", "Pipeline"), (deal.Str("stage"), (int)deal.Body!["probability"]!, deal.Str("probabilitySource"), deal.Str("forecastCategory")));
        var pipelines = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/settings/pipelines")).Expect(HttpStatusCode.OK).Body!.AsArray();
        var pipeline = Assert.Single(pipelines)!;
        Assert.Equal(deal.Str("pipelineId"), (string)pipeline["id"]!);
        Assert.Equal(["Qualified", "Discovery/demo", "Proposal", "Negotiation", "Contracting", "Won", "Lost"], pipeline["stages"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal(["Sql", "Sql", "Opportunity", "Opportunity", "Opportunity", "Won", "Lost"], pipeline["stages"]!.AsArray().Select(s => (string)s!["meaning"]!));
        var history = await HistoryAsync(tenant, dealId);
        Assert.Equal("Qualified", (string)Assert.Single(history)!["stage"]!);
        Assert.False((bool)deal.Body!["stale"]!);
    }

    [Fact]
    public async Task MovingToProposal_WithoutAProposalAmount_IsRefusedNamingAmount_AndWithOne_MakesTheLeadAnOpportunityByThatRep()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        var before = (await tenant.Sales.GetDealAsync(dealId)).Expect(HttpStatusCode.OK);

        var refused = (await MoveAsync(tenant, dealId, new { stage = "Proposal" }, before.ETag)).Expect(HttpStatusCode.Conflict);

        Assert.Equal(["amount"], refused.Body!["missing"]!.AsArray().Select(m => (string)m!["code"]!));
        Assert.Equal(before.Text, (await tenant.Sales.GetDealAsync(dealId)).Text);

        var moved = (await MoveAsync(tenant, dealId, new { stage = "proposal", amount = 21_000m }, before.ETag)).Expect(HttpStatusCode.OK);

        Assert.Equal(("Proposal", 50, "Opportunity"), (moved.Str("stage"), (int)moved.Body!["probability"]!, moved.Str("leadStage")));
        Assert.Equal(21_000m, (decimal)moved.Body!["proposalAmount"]!);
        var lead = (await tenant.Sales.GetLeadAsync(Guid.Parse(moved.Str("leadId")!))).Body!;
        var last = lead["history"]!.AsArray()[^1]!;
        Assert.Equal(("Sql", "Opportunity", tenant.Sales.Member.Id.ToString()), ((string)last["from"]!, (string)last["to"]!, (string)last["actorUserId"]!));
        var history = await HistoryAsync(tenant, dealId);
        Assert.Equal(["Qualified", "Proposal"], history.Select(h => (string)h!["stage"]!));
        Assert.Equal(tenant.Sales.Member.Id.ToString(), (string)history[^1]!["byUserId"]!);
    }

    [Fact]
    public async Task MovingBack_KeepsTheLeadsStage_AndIsInTheDealsHistory()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        (await MoveAsync(tenant, dealId, new { stage = "Negotiation", amount = 20_000m })).Expect(HttpStatusCode.OK);

        var back = (await MoveAsync(tenant, dealId, new { stage = "Discovery/demo" })).Expect(HttpStatusCode.OK);

        Assert.Equal(("Discovery/demo", "Opportunity"), (back.Str("stage"), back.Str("leadStage")));
        var lead = (await tenant.Sales.GetLeadAsync(Guid.Parse(back.Str("leadId")!))).Body!;
        Assert.Single(lead["history"]!.AsArray(), e => (string)e!["to"]! == "Opportunity");
        Assert.Equal(["Qualified", "Negotiation", "Discovery/demo"], (await HistoryAsync(tenant, dealId)).Select(h => (string)h!["stage"]!));
    }

    [Fact]
    public async Task ThreeStakeholdersInDifferentRoles_AreOnTheDeal_AndContractingWithoutADecisionMaker_IsRefusedNamingIt()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        (await MoveAsync(tenant, dealId, new { stage = "Negotiation", amount = 20_000m })).Expect(HttpStatusCode.OK);
        var champion = (await AddStakeholderAsync(tenant, dealId, new { email = "champion@buyer.example.com", firstName = "Anna", lastName = "Bakker", role = "Champion" })).Expect(HttpStatusCode.Created);
        (await AddStakeholderAsync(tenant, dealId, new { email = "legal@buyer.example.com", role = "Legal" })).Expect(HttpStatusCode.Created);
        var annaContact = (string)champion.Body!["stakeholders"]![0]!["contactId"]!;
        (await AddStakeholderAsync(tenant, dealId, new { contactId = annaContact, role = "Influencer" })).Expect(HttpStatusCode.Created);
        (await AddStakeholderAsync(tenant, dealId, new { contactId = Guid.NewGuid(), role = "Influencer" })).Expect(HttpStatusCode.BadRequest);

        var refused = (await MoveAsync(tenant, dealId, new { stage = "Contracting" })).Expect(HttpStatusCode.Conflict);

        Assert.Equal(["stakeholder.DecisionMaker"], refused.Body!["missing"]!.AsArray().Select(m => (string)m!["code"]!));
        var deal = (await tenant.Sales.GetDealAsync(dealId)).Body!;
        Assert.Equal("Negotiation", (string)deal["stage"]!);
        var stakeholders = deal["stakeholders"]!.AsArray();
        Assert.Equal(["Champion", "Legal", "Influencer"], stakeholders.Select(s => (string)s!["role"]!));
        Assert.Equal("Anna Bakker", (string)stakeholders[0]!["name"]!);
        Assert.Equal("legal@buyer.example.com", (string)stakeholders[1]!["email"]!);
        Assert.Equal(annaContact, (string)stakeholders[2]!["contactId"]!);

        var decider = (await AddStakeholderAsync(tenant, dealId, new { email = "ceo@buyer.example.com", firstName = "Bram", role = "DecisionMaker" })).Expect(HttpStatusCode.Created);
        (await MoveAsync(tenant, dealId, new { stage = "Contracting" })).Expect(HttpStatusCode.OK);
        var decisionMakerId = (string)decider.Body!["stakeholders"]!.AsArray().Single(s => (string)s!["role"]! == "DecisionMaker")!["id"]!;
        var removed = (await tenant.Sales.SendAsync(HttpMethod.Delete, $"/api/v1/deals/{dealId}/stakeholders/{decisionMakerId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(3, removed.Body!["stakeholders"]!.AsArray().Count);
    }

    [Fact]
    public async Task AStageThatAsksForAProposalReference_RefusesAMoveWithoutOne_NamingIt_AndTheMoveThatBringsOne_KeepsIt()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        (await MoveAsync(tenant, dealId, new { stage = "Proposal", amount = 18_000m })).Expect(HttpStatusCode.OK);
        var pipeline = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/settings/pipelines")).Expect(HttpStatusCode.OK).Body!.AsArray()[0]!;
        var stages = pipeline["stages"]!.AsArray().Select(stage => new JsonObject
        {
            ["id"] = (string)stage!["id"]!, ["name"] = (string)stage["name"]!, ["probability"] = (int)stage["probability"]!,
            ["forecastCategory"] = (string)stage["forecastCategory"]!, ["staleAfterDays"] = (int)stage["staleAfterDays"]!,
            ["requires"] = (string)stage["name"]! == "Negotiation" ? new JsonArray("ProposalReference") : stage["requires"]!.DeepClone(),
            ["meaning"] = (string)stage["meaning"]!, ["active"] = true,
        });
        var saved = (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/pipelines",
            new { pipelines = new[] { new { id = (string)pipeline["id"]!, name = (string)pipeline["name"]!, active = true, stages } } })).Expect(HttpStatusCode.OK);
        Assert.Equal(["proposalReference"], saved.Body![0]!["stages"]!.AsArray().Single(s => (string)s!["name"]! == "Negotiation")!["requires"]!.AsArray().Select(r => (string)r!));
        var before = (await tenant.Sales.GetDealAsync(dealId)).Expect(HttpStatusCode.OK);

        var refused = (await MoveAsync(tenant, dealId, new { stage = "Negotiation" }, before.ETag)).Expect(HttpStatusCode.Conflict);

        Assert.Equal(["proposalReference"], refused.Body!["missing"]!.AsArray().Select(m => (string)m!["code"]!));
        Assert.Equal(before.Text, (await tenant.Sales.GetDealAsync(dealId)).Text);
        (await MoveAsync(tenant, dealId, new { stage = "Negotiation", proposalReference = new string('Q', 201) }, before.ETag)).Expect(HttpStatusCode.BadRequest);

        var moved = (await MoveAsync(tenant, dealId, new { stage = "Negotiation", proposalReference = "  Q-2026-114  " }, before.ETag)).Expect(HttpStatusCode.OK);

        Assert.Equal(("Negotiation", "Q-2026-114"), (moved.Str("stage"), moved.Str("proposalReference")));
        var back = (await MoveAsync(tenant, dealId, new { stage = "Proposal" }, moved.ETag)).Expect(HttpStatusCode.OK);
        var cleared = (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { proposalReference = (string?)null }, back.ETag)).Expect(HttpStatusCode.OK);
        Assert.Null(cleared.Body!["proposalReference"]);
        (await MoveAsync(tenant, dealId, new { stage = "Negotiation" }, cleared.ETag)).Expect(HttpStatusCode.Conflict);
        var set = (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { proposalReference = "https://quotes.example.com/q/114" }, cleared.ETag)).Expect(HttpStatusCode.OK);
        var again = (await MoveAsync(tenant, dealId, new { stage = "Negotiation" }, set.ETag)).Expect(HttpStatusCode.OK);
        Assert.Equal("https://quotes.example.com/q/114", again.Str("proposalReference"));
    }

    [Fact]
    public async Task ARepsProbability_SurvivesAMove_AndSaysSo_AndClearingItRestoresTheStageDefault()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        var read = await tenant.Sales.GetDealAsync(dealId);

        var set = (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { probability = 65, nextStep = new { text = "Demo for the CFO", dueOn = "2031-01-15" } }, read.ETag)).Expect(HttpStatusCode.OK);
        Assert.Equal((65, "Rep"), ((int)set.Body!["probability"]!, set.Str("probabilitySource")));
        Assert.Equal("Demo for the CFO", (string)set.Body!["nextStep"]!["text"]!);

        var moved = (await MoveAsync(tenant, dealId, new { stage = "Negotiation", amount = 30_000m })).Expect(HttpStatusCode.OK);
        Assert.Equal((65, "Rep", "BestCase"), ((int)moved.Body!["probability"]!, moved.Str("probabilitySource"), moved.Str("forecastCategory")));

        var cleared = (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { probability = (int?)null }, moved.ETag)).Expect(HttpStatusCode.OK);
        Assert.Equal((70, "Stage"), ((int)cleared.Body!["probability"]!, cleared.Str("probabilitySource")));
        Assert.Equal("Demo for the CFO", (string)cleared.Body!["nextStep"]!["text"]!);
        Assert.Equal([20, 65, 65, 70], (await HistoryAsync(tenant, dealId)).Select(h => (int)h!["probability"]!));

        (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { probability = 101 })).Expect(HttpStatusCode.BadRequest);
        (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { colour = "red" })).Expect(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task MovingToWon_MakesTheLeadACustomer_AndToLost_SendsItToNurture_WithSignedWebhooks()
    {
        var tenant = await app.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Now = app.Clock.GetUtcNow;
        var subscribed = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = receiver.Url, events = DealEvents })).Expect(HttpStatusCode.Created);
        receiver.Secret = (string)subscribed.Body!["secret"]!;
        var wonId = await DealAsync(tenant);
        var lostId = await DealAsync(tenant);

        var notYet = (await MoveAsync(tenant, wonId, new { stage = "Won" })).Expect(HttpStatusCode.Conflict);
        Assert.Contains("amount", notYet.Body!["missing"]!.AsArray().Select(m => (string)m!["code"]!));
        var won = (await MoveAsync(tenant, wonId, new { stage = "Won", amount = 23_000m })).Expect(HttpStatusCode.OK);
        var noReason = (await MoveAsync(tenant, lostId, new { stage = "Lost" })).Expect(HttpStatusCode.Conflict);
        Assert.Equal(["then", "reason"], noReason.Body!["missing"]!.AsArray().Select(m => (string)m!["code"]!));
        var lost = (await MoveAsync(tenant, lostId, new { stage = "Lost", reason = "Price", then = "Nurture", competitor = " Pipedrive " })).Expect(HttpStatusCode.OK);
        Assert.Equal("Pipedrive", lost.Str("competitor"));

        Assert.Equal(("Won", "Won", "Customer"), (won.Str("stage"), won.Str("status"), won.Str("leadStage")));
        Assert.Equal(("Lost", "Lost", "Nurture", "Price"), (lost.Str("stage"), lost.Str("status"), lost.Str("leadStage"), lost.Str("lostReason")));
        Assert.Equal(["Qualified", "Won"], (await HistoryAsync(tenant, wonId)).Select(h => (string)h!["stage"]!));
        (await MoveAsync(tenant, wonId, new { stage = "Qualified" })).Expect(HttpStatusCode.Conflict);

        await app.DeliverWebhooksAsync();
        var received = receiver.Received.ToList();
        Assert.All(received, r => Assert.Equal(SignatureCheck.Valid, r.Signature));
        Assert.Equal(["deal.lost", "deal.stage_changed", "deal.stage_changed", "deal.won"], received.Select(r => r.Event).Order(StringComparer.Ordinal));
        var change = JsonNode.Parse(received.First(r => r.Event == "deal.stage_changed").Body)!["data"]!;
        Assert.Equal(("Qualified", "Won", wonId.ToString()), ((string)change["fromDealStage"]!, (string)change["dealStage"]!, (string)change["dealId"]!));
    }

    [Fact]
    public async Task ALostDeal_SendsItsLeadToNurture_WithARevisitDate_ByTheLostActionOrAMove_OnlyInTheFuture_AndOnlyToNurture()
    {
        var tenant = await app.NewTenantAsync();
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var (byAction, byMove) = (await DealAsync(tenant), await DealAsync(tenant));

        var past = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{byAction}/lost", new { reason = "Price", then = "Nurture", revisitOn = today.AddDays(-3) })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(past.Body!["errors"]!["revisitOn"]);
        var outward = (await MoveAsync(tenant, byMove, new { stage = "Lost", reason = "Price", then = "Disqualified", revisitOn = today.AddDays(30) })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(outward.Body!["errors"]!["revisitOn"]);
        Assert.Equal("Open", (await tenant.Sales.GetDealAsync(byMove)).Str("status"));

        var lost = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{byAction}/lost", new { reason = "Timing", then = "Nurture", revisitOn = today.AddDays(90) })).Expect(HttpStatusCode.OK);
        var moved = (await MoveAsync(tenant, byMove, new { stage = "Lost", reason = "Timing", then = "Nurture", revisitOn = today.AddDays(60) })).Expect(HttpStatusCode.OK);

        foreach (var (deal, revisit) in new[] { (lost, today.AddDays(90)), (moved, today.AddDays(60)) })
        {
            var lead = (await tenant.Sales.GetLeadAsync(Guid.Parse(deal.Str("leadId")!))).Expect(HttpStatusCode.OK);
            Assert.Equal(("Nurture", revisit.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), (lead.Str("stage"), lead.Str("revisitOn")));
        }
    }

    [Fact]
    public async Task AWonDeal_CannotCloseBeforeItWasOpened_AndOneWonTheDayItOpened_TookZeroDays()
    {
        var tenant = await app.NewTenantAsync();
        var now = app.Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var dealId = await DealAsync(tenant);

        var early = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/won", new { amount = 5_000m, closedOn = today.AddDays(-10) })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(early.Body!["errors"]!["closedOn"]);
        var viaMove = (await MoveAsync(tenant, dealId, new { stage = "Won", amount = 5_000m, closedOn = new DateOnly(1, 1, 1) })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(viaMove.Body!["errors"]!["closedOn"]);
        Assert.Equal("Open", (await tenant.Sales.GetDealAsync(dealId)).Str("status"));

        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/won", new { amount = 5_000m, closedOn = today })).Expect(HttpStatusCode.OK);
        var month = new DateOnly(today.Year, today.Month, 1);
        var winRate = (await tenant.Manager.SendAsync(HttpMethod.Get, $"/api/v1/reports/win-rate?from={month:yyyy-MM-dd}&to={month.AddMonths(1):yyyy-MM-dd}")).Expect(HttpStatusCode.OK);
        Assert.Equal((1L, 0m), ((long)winRate.Body!["total"]!["won"]!, (decimal)winRate.Body["total"]!["averageCycleDays"]!));
    }

    [Fact]
    public async Task ContradictoryOrClearedFields_AndMonthsPastTheCalendar_Are400NamingTheField_AndChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        var before = (await tenant.Sales.GetDealAsync(dealId)).Expect(HttpStatusCode.OK);

        var both = (await MoveAsync(tenant, dealId, new { stage = "Proposal", stageId = Guid.NewGuid(), amount = 1_000m })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(both.Body!["errors"]!["stageId"]);
        var contact = (await AddStakeholderAsync(tenant, dealId, new { contactId = Guid.NewGuid(), email = "two.ways@example.org", role = "Influencer" })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(contact.Body!["errors"]!["contactId"]);
        foreach (var field in new[] { "value", "currency", "expectedCloseDate" })
        {
            var cleared = (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", rawJson: $"{{\"{field}\": null}}")).Expect(HttpStatusCode.BadRequest);
            Assert.NotNull(cleared.Body!["errors"]![field]);
        }

        var farOff = (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { expectedCloseDate = "9999-12-31" })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(farOff.Body!["errors"]!["expectedCloseDate"]);

        Assert.Equal(before.ETag, (await tenant.Sales.GetDealAsync(dealId)).ETag);
        foreach (var path in new[] { "/api/v1/deals?closeMonth=9999-12", "/api/v1/deals/board?closeMonth=9999-12", "/api/v1/deals?closeMonth=0001-01" })
        {
            Assert.NotNull((await tenant.Sales.SendAsync(HttpMethod.Get, path)).Expect(HttpStatusCode.BadRequest).Body!["errors"]!["closeMonth"]);
        }
    }

    [Fact]
    public async Task SixteenConcurrentMoves_WithTheSameIfMatch_OneSucceeds_TheOthersGet412()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        var etag = (await tenant.Sales.GetDealAsync(dealId)).ETag;
        string[] stages = ["Discovery/demo", "Proposal", "Negotiation"];

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            MoveAsync(tenant, dealId, new { stage = stages[i % stages.Length], amount = 20_000m + i }, etag)));

        Assert.True(answers.Count(a => a.Status == HttpStatusCode.OK) == 1, string.Join(", ", answers.Select(a => (int)a.Status)));
        Assert.Equal(15, answers.Count(a => a.Status == HttpStatusCode.PreconditionFailed));
        Assert.Equal(2, (await HistoryAsync(tenant, dealId)).Count);
    }

    [Fact]
    public async Task TheList_FiltersByStageStatusOwnerAndCloseMonth_AndPagesWithACursor()
    {
        var tenant = await app.NewTenantAsync();
        var first = await DealAsync(tenant);
        var second = await DealAsync(tenant);
        var third = await DealAsync(tenant);
        (await MoveAsync(tenant, second, new { stage = "Proposal", amount = 9_000m })).Expect(HttpStatusCode.OK);
        var month = (await tenant.Sales.GetDealAsync(first)).Str("expectedCloseDate")![..7];

        var page1 = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals?limit=2")).Expect(HttpStatusCode.OK).Body!;
        var page2 = (await tenant.Sales.SendAsync(HttpMethod.Get, $"/api/v1/deals?limit=2&cursor={(string)page1["nextCursor"]!}")).Expect(HttpStatusCode.OK).Body!;

        Assert.Equal([third.ToString(), second.ToString(), first.ToString()], page1["items"]!.AsArray().Concat(page2["items"]!.AsArray()).Select(d => (string)d!["id"]!));
        Assert.Null(page2["nextCursor"]);
        var proposal = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals?stage=Proposal&status=Open")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        Assert.Equal(second.ToString(), (string)Assert.Single(proposal)!["id"]!);
        Assert.Equal(3, (await tenant.Sales.SendAsync(HttpMethod.Get, $"/api/v1/deals?closeMonth={month}&ownerId={tenant.Sales.Member.Id}")).Body!["items"]!.AsArray().Count);
        Assert.Empty((await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals?status=Won")).Body!["items"]!.AsArray());
        (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals?closeMonth=2027-13")).Expect(HttpStatusCode.BadRequest);
        (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals?stage=Nowhere")).Expect(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ADealUntouchedPastItsStagesLimit_IsStale_InTheDealAndTheList_AndLoggingAnActivityWarmsIt()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        var leadId = Guid.Parse((await tenant.Sales.GetDealAsync(dealId)).Str("leadId")!);
        Assert.DoesNotContain(dealId.ToString(), await StaleIdsAsync(tenant));

        app.Clock.Advance(TimeSpan.FromDays(15));

        Assert.True((bool)(await tenant.Sales.GetDealAsync(dealId)).Body!["stale"]!);
        Assert.Contains(dealId.ToString(), await StaleIdsAsync(tenant));

        (await tenant.Sales.LogActivityAsync(leadId, "Call", "Outbound", "Connected", "Walked through the proposal")).Expect(HttpStatusCode.Created);

        Assert.False((bool)(await tenant.Sales.GetDealAsync(dealId)).Body!["stale"]!);
        Assert.DoesNotContain(dealId.ToString(), await StaleIdsAsync(tenant));
    }

    private static async Task<List<string>> StaleIdsAsync(Tenant tenant) =>
        [.. (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/deals?stale=true&limit=200")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray().Select(d => (string)d!["id"]!)];

    private static async Task<Guid> DealAsync(Tenant tenant)
    {
        var leadId = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        return Guid.Parse((await tenant.Sales.AcceptAsync(leadId)).Expect(HttpStatusCode.OK).Str("dealId")!);
    }

    private static Task<ApiResponse> MoveAsync(Tenant tenant, Guid dealId, object body, string? ifMatch = null) =>
        tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/move", body, ifMatch);

    private static Task<ApiResponse> AddStakeholderAsync(Tenant tenant, Guid dealId, object body) =>
        tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/stakeholders", body);

    private static async Task<JsonArray> HistoryAsync(Tenant tenant, Guid dealId) =>
        (await tenant.Sales.SendAsync(HttpMethod.Get, $"/api/v1/deals/{dealId}/history")).Expect(HttpStatusCode.OK).Body!.AsArray();
}

public sealed class PipelineApiTests_Sqlite(SqliteApp app) : PipelineApiTests(app), IClassFixture<SqliteApp>;

public sealed class PipelineApiTests_Postgres(PostgresApp app) : PipelineApiTests(app), IClassFixture<PostgresApp>;
