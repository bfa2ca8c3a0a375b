using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>The lifecycle walked through the API, as a script would; run on SQLite and on PostgreSQL.</summary>
public abstract class LifecycleApiTests(TestApp app)
{
    /// <summary>
    /// People pick dates in their own time zone. Just before UTC midnight a Dutch rep's today is UTC's tomorrow, and just
    /// after it a Californian rep's today is UTC's yesterday: neither is refused as future or past; a day beyond is.
    /// </summary>
    [Fact]
    public async Task TodayInThePersonsOwnZone_IsNeitherFutureNorPast_OnEitherSideOfUtcMidnight()
    {
        var tenant = await app.NewTenantAsync();
        static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        DateOnly At(int hour, int minute)
        {
            var now = app.Clock.GetUtcNow();
            var next = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(hour).AddMinutes(minute);
            app.Clock.Advance(next > now ? next - now : next.AddDays(1) - now);
            return DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        }

        var utcToday = At(23, 30);
        var won = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var dealId = Guid.Parse((await tenant.Sales.AcceptAsync(won)).Expect(HttpStatusCode.OK).Str("dealId")!);
        var future = (await tenant.Sales.WonAsync(dealId, closedOn: Day(utcToday.AddDays(2)))).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(future.Body!["errors"]!["closedOn"]);
        var closed = (await tenant.Sales.WonAsync(dealId, closedOn: Day(utcToday.AddDays(1)))).Expect(HttpStatusCode.OK);
        Assert.Equal(Day(utcToday.AddDays(1)), closed.Str("closedOn"));

        utcToday = At(1, 0);
        var accepted = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var past = (await tenant.Sales.AcceptAsync(accepted, expectedCloseDate: Day(utcToday.AddDays(-2)))).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(past.Body!["errors"]!["expectedCloseDate"]);
        (await tenant.Sales.AcceptAsync(accepted, expectedCloseDate: Day(utcToday.AddDays(-1)))).Expect(HttpStatusCode.OK);

        var rejected = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var notFuture = (await tenant.Sales.RejectAsync(rejected, revisitOn: Day(utcToday.AddDays(-1)))).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(notFuture.Body!["errors"]!["revisitOn"]);
        (await tenant.Sales.RejectAsync(rejected, revisitOn: Day(utcToday))).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Lead_WalksFromIqlToCustomer_WithEveryStepInTheHistory()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);

        var accepted = (await tenant.Sales.AcceptAsync(id, dealValue: 30_000m)).Expect(HttpStatusCode.OK);
        Assert.Equal("Sql", accepted.Str("stage"));
        var dealId = Guid.Parse(accepted.Str("dealId")!);

        var deal = (await tenant.Sales.GetDealAsync(dealId)).Expect(HttpStatusCode.OK);
        Assert.Equal(30_000m, (decimal)deal.Body!["value"]!);
        Assert.Equal("EUR", deal.Str("currency"));

        (await tenant.Sales.ProposalAsync(dealId, 28_000m)).Expect(HttpStatusCode.OK);
        Assert.Equal("Opportunity", (await tenant.Sales.GetLeadAsync(id)).Str("stage"));

        var won = (await tenant.Sales.WonAsync(dealId, 27_500m)).Expect(HttpStatusCode.OK);
        Assert.Equal("Won", won.Str("status"));

        var lead = (await tenant.Sales.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal("Customer", lead.Str("stage"));
        Assert.Equal("Customer", lead.Str("highestStage"));
        var history = lead.Body!["history"]!.AsArray();
        Assert.Equal(["Iql", "Mql", "Sql", "Opportunity", "Customer"], history.Select(e => (string)e!["to"]!));
        var acceptance = history.Single(e => (string)e!["to"]! == "Sql")!;
        Assert.Equal(tenant.Members["sales"].Id, Guid.Parse((string)acceptance["actorUserId"]!));
        Assert.NotNull(acceptance["evidenceActivityId"]);
        Assert.NotNull(acceptance["at"]);
    }

    [Fact]
    public async Task Accept_WithoutTwoWayConversation_IsRefusedNamingTheConversation_AndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        (await tenant.Sales.LogActivityAsync(id, "Call", "Outbound", "NoAnswer")).Expect(HttpStatusCode.Created);
        (await tenant.Sales.RecordBantAsync(id)).Expect(HttpStatusCode.OK);
        var before = await tenant.Sales.GetLeadAsync(id);

        var refused = (await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.Conflict);

        Assert.EndsWith("/transition-requirements-missing", refused.Str("type"));
        Assert.Contains(refused.Body!["missing"]!.AsArray(), m => (string)m!["code"]! == "conversation");
        Assert.Contains("conversation", refused.Str("detail"), StringComparison.OrdinalIgnoreCase);
        var after = await tenant.Sales.GetLeadAsync(id);
        Assert.Equal("Mql", after.Str("stage"));
        Assert.Equal(before.ETag, after.ETag);
        Assert.Null(after.Body!["dealId"]);
    }

    [Fact]
    public async Task Accept_ByMarketing_IsForbidden()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);

        var refused = (await tenant.Marketing.AcceptAsync(id)).Expect(HttpStatusCode.Forbidden);

        Assert.EndsWith("/forbidden", refused.Str("type"));
        Assert.Equal("Mql", (await tenant.Sales.GetLeadAsync(id)).Str("stage"));
    }

    [Fact]
    public async Task Accept_OfAnIqlLead_IsAConflictWhoseProblemTypeNamesTheTransition()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();

        var refused = (await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.Conflict);

        Assert.EndsWith("/transition-not-allowed/iql-to-sql", refused.Str("type"));
        Assert.Equal("Iql", refused.Str("from"));
        Assert.Equal("Sql", refused.Str("to"));
        Assert.Equal("Iql", (await tenant.Sales.GetLeadAsync(id)).Str("stage"));
    }

    [Fact]
    public async Task Accept_WithBantNeedNotConfirmed_IsRefusedNamingBantNeed()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        (await tenant.Sales.LogConnectedCallAsync(id)).Expect(HttpStatusCode.Created);
        (await tenant.Sales.RecordBantAsync(id, need: "Partial")).Expect(HttpStatusCode.OK);

        var refused = (await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.Conflict);

        Assert.Contains(refused.Body!["missing"]!.AsArray(), m => (string)m!["code"]! == "bant.need");
    }

    [Fact]
    public async Task Reject_WithAReason_SendsTheMqlToNurture_KeepingTheHighestStage()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        var revisit = DateTime.UtcNow.AddMonths(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var rejected = (await tenant.Sales.RejectAsync(id, "NoBudget", "Comes back after the budget round", revisit)).Expect(HttpStatusCode.OK);

        Assert.Equal("Nurture", rejected.Str("stage"));
        Assert.Equal("Mql", rejected.Str("highestStage"));
        Assert.Equal(revisit, rejected.Str("revisitOn"));
        var last = rejected.Body!["history"]!.AsArray().Last()!;
        Assert.Equal("NoBudget", (string)last["reason"]!);
        Assert.Equal("Comes back after the budget round", (string)last["note"]!);
    }

    [Fact]
    public async Task Reject_WithAReasonNotOnTheList_Is400NamingTheReason()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);

        var refused = (await tenant.Sales.RejectAsync(id, "BecauseISaySo")).Expect(HttpStatusCode.BadRequest);

        Assert.NotNull(refused.Body!["errors"]!["reason"]);
    }

    [Fact]
    public async Task Reject_WithoutAReason_IsRefusedNamingTheReason()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);

        var refused = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/reject", new { note = "no" })).Expect(HttpStatusCode.Conflict);

        Assert.Contains(refused.Body!["missing"]!.AsArray(), m => (string)m!["code"]! == "reason");
    }

    [Fact]
    public async Task Disqualify_MovesTheMqlOut()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);

        var disqualified = (await tenant.Sales.DisqualifyAsync(id, "Competitor")).Expect(HttpStatusCode.OK);

        Assert.Equal("Disqualified", disqualified.Str("stage"));
        Assert.Equal("Mql", disqualified.Str("highestStage"));
        Assert.Equal("Competitor", (string)disqualified.Body!["history"]!.AsArray().Last()!["reason"]!);
    }

    [Theory]
    [InlineData("Nurture")]
    [InlineData("Disqualified")]
    public async Task Lost_SendsTheLeadWhereSalesSays_WithTheReason_KeepingTheHighestStage(string then)
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var dealId = Guid.Parse((await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.OK).Str("dealId")!);
        (await tenant.Sales.ProposalAsync(dealId)).Expect(HttpStatusCode.OK);

        var lost = (await tenant.Sales.LostAsync(dealId, "Competitor", then, "Went with the incumbent")).Expect(HttpStatusCode.OK);

        Assert.Equal("Lost", lost.Str("status"));
        var lead = await tenant.Sales.GetLeadAsync(id);
        Assert.Equal(then, lead.Str("stage"));
        Assert.Equal("Opportunity", lead.Str("highestStage"));
        var last = lead.Body!["history"]!.AsArray().Last()!;
        Assert.Equal("Opportunity", (string)last["from"]!);
        Assert.Equal("Competitor", (string)last["reason"]!);
    }

    [Fact]
    public async Task ReviseDeal_ChangesItsEstimates_AndABadValueIs400NamingTheValue()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var dealId = Guid.Parse((await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.OK).Str("dealId")!);

        var revised = (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { value = 31_000m, currency = "USD" })).Expect(HttpStatusCode.OK);
        Assert.Equal(31_000m, (decimal)revised.Body!["value"]!);
        Assert.Equal("USD", revised.Str("currency"));

        var refused = (await tenant.Sales.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { value = -5m })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(refused.Body!["errors"]!["value"]);
        (await tenant.Marketing.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { value = 1m })).Expect(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Activity_MovesTheWorkStatus_FromNewToAttemptingToConnected()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        Assert.Equal("New", (await tenant.Marketing.MarkMqlAsync(id)).Str("workStatus"));

        var attempt = (await tenant.Sales.LogActivityAsync(id, "Call", "Outbound", "NoAnswer")).Expect(HttpStatusCode.Created);
        Assert.NotNull(attempt.Location);
        Assert.Equal("Attempting", (await tenant.Sales.GetLeadAsync(id)).Str("workStatus"));

        (await tenant.Sales.LogConnectedCallAsync(id)).Expect(HttpStatusCode.Created);
        Assert.Equal("Connected", (await tenant.Sales.GetLeadAsync(id)).Str("workStatus"));

        var logged = (await tenant.Sales.SendAsync(HttpMethod.Get, attempt.Location!.ToString())).Expect(HttpStatusCode.OK);
        Assert.Equal("NoAnswer", logged.Str("outcome"));
    }

    [Fact]
    public async Task Activity_WithAnOutcomeThatDoesNotFitItsType_Is400NamingTheOutcome()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();

        var refused = (await tenant.Sales.LogActivityAsync(id, "Email", "Outbound", "NoAnswer")).Expect(HttpStatusCode.BadRequest);

        Assert.NotNull(refused.Body!["errors"]!["outcome"]);
    }

    [Fact]
    public async Task Assign_BySalesToSomeoneElse_IsForbidden_ButAManagerMayAssign()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();

        (await tenant.Sales.AssignAsync(id, tenant.Members["sales2"].Id)).Expect(HttpStatusCode.Forbidden);
        var assigned = (await tenant.Manager.AssignAsync(id, tenant.Members["sales2"].Id)).Expect(HttpStatusCode.OK);

        Assert.Equal(tenant.Members["sales2"].Id, Guid.Parse(assigned.Str("ownerId")!));
        (await tenant.Manager.AssignAsync(id, tenant.Members["marketing"].Id)).Expect(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bant_IsRecordedWithItsEvidence_AndOnlyBySales()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();

        (await tenant.Marketing.RecordBantAsync(id)).Expect(HttpStatusCode.Forbidden);
        var lead = (await tenant.Sales.RecordBantAsync(id, need: "Confirmed", budget: "Partial", authority: "Confirmed", timeline: "No")).Expect(HttpStatusCode.OK);

        var bant = lead.Body!["bant"]!;
        Assert.Equal("Partial", (string)bant["budget"]!["status"]!);
        Assert.Equal(25_000m, (decimal)bant["budget"]!["amount"]!);
        Assert.Equal("Jan Jansen", (string)bant["authority"]!["name"]!);
        Assert.Equal("CFO", (string)bant["authority"]!["role"]!);
        Assert.Equal("2027-03-01", (string)bant["timeline"]!["date"]!);
        Assert.Equal(2, (int)bant["confirmedCount"]!);
    }

    [Fact]
    public async Task List_FiltersByStageOwnerAndText_AndPagesWithACursor()
    {
        var tenant = await app.NewTenantAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await tenant.Marketing.NewLeadAsync(email: $"page{i}@findme.example.com", company: $"Findme {i}"));
        }

        (await tenant.Marketing.MarkMqlAsync(ids[0])).Expect(HttpStatusCode.OK);
        (await tenant.Manager.AssignAsync(ids[1], tenant.Members["sales"].Id)).Expect(HttpStatusCode.OK);

        var mqls = (await tenant.Sales.ListLeadsAsync("?stage=Mql")).Expect(HttpStatusCode.OK);
        Assert.Equal([ids[0]], mqls.Body!["items"]!.AsArray().Select(l => Guid.Parse((string)l!["id"]!)));
        var owned = (await tenant.Sales.ListLeadsAsync($"?ownerId={tenant.Members["sales"].Id}")).Expect(HttpStatusCode.OK);
        Assert.Equal([ids[1]], owned.Body!["items"]!.AsArray().Select(l => Guid.Parse((string)l!["id"]!)));

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await tenant.Sales.ListLeadsAsync($"?q=FINDME&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).Expect(HttpStatusCode.OK);
            var items = page.Body!["items"]!.AsArray();
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(l => Guid.Parse((string)l!["id"]!)));
            cursor = (string?)page.Body!["nextCursor"];
        }
        while (cursor is not null);

        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
        (await tenant.Sales.ListLeadsAsync("?cursor=not-a-cursor")).Expect(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task MarkMql_BySales_IsForbidden_AndNurtureRequalifiesOnlyAfterItsRevisitDate()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Sales.MarkMqlAsync(id)).Expect(HttpStatusCode.Forbidden);
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        var revisit = app.Clock.GetUtcNow().AddDays(10);
        (await tenant.Sales.RejectAsync(id, revisitOn: revisit.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).Expect(HttpStatusCode.OK);

        var tooEarly = (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.Conflict);
        Assert.Contains(tooEarly.Body!["missing"]!.AsArray(), m => (string)m!["code"]! == "revisitOn");

        app.Clock.Advance(TimeSpan.FromDays(11));
        var again = (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal("Mql", again.Str("stage"));
        Assert.Equal(["Iql", "Mql", "Nurture", "Mql"], again.Body!["history"]!.AsArray().Select(e => (string)e!["to"]!));
    }
}

public sealed class LifecycleApiTests_Sqlite(SqliteApp app) : LifecycleApiTests(app), IClassFixture<SqliteApp>;

public sealed class LifecycleApiTests_Postgres(PostgresApp app) : LifecycleApiTests(app), IClassFixture<PostgresApp>;
