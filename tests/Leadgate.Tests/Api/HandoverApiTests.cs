using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Notifications;
using Leadgate.Scoring;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>The handover endpoints as a scripted client calls them.</summary>
public static class HandoverClient
{
    public static Task<ApiResponse> InboxAsync(this LeadgateClient client) => client.SendAsync(HttpMethod.Get, "/api/v1/inbox");

    public static Task<ApiResponse> ClaimAsync(this LeadgateClient client, Guid id) => client.SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/claim");

    public static Task<ApiResponse> PutRoutingAsync(this LeadgateClient client, object settings) => client.SendAsync(HttpMethod.Put, "/api/v1/settings/routing", settings);

    public static Task<ApiResponse> GetRoutingAsync(this LeadgateClient client) => client.SendAsync(HttpMethod.Get, "/api/v1/settings/routing");

    public static Task<ApiResponse> PutSlaAsync(this LeadgateClient client, object settings) => client.SendAsync(HttpMethod.Put, "/api/v1/settings/sla", settings);

    public static Task<ApiResponse> SetAvailabilityAsync(this LeadgateClient client, Guid userId, bool available, int? capacity = null) =>
        client.SendAsync(HttpMethod.Put, $"/api/v1/settings/routing/reps/{userId}", new { available, capacity });
}

/// <summary>Routing, the response clock, the inbox and claiming, through the API; run on SQLite and on PostgreSQL.</summary>
public abstract class HandoverApiTests(TestApp app)
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
    private static readonly string[] Benelux = ["nl", "BE"];
    private static readonly string[] Germany = ["DE"];
    private static readonly string[] NotACode = ["Netherlands"];
    private static readonly string[] Monday = ["Monday"];

    [Fact]
    public async Task WithoutRules_AnMqlWaitsInTheSharedQueue_WithItsClock_AndOneRepClaimsIt()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);

        var lead = (await tenant.Sales.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        var handover = lead.Body!["handover"]!;
        Assert.NotNull(handover["assignedAt"]);
        Assert.NotNull(handover["slaDueAt"]);
        Assert.Null(handover["firstTouchAt"]);
        Assert.False((bool)handover["breached"]!);
        Assert.Null(lead.Body!["ownerId"]);
        var inbox = (await tenant.Sales.InboxAsync()).Expect(HttpStatusCode.OK);
        var queued = Assert.Single(inbox.Body!["shared"]!.AsArray())!;
        Assert.Equal((id.ToString(), "New"), ((string)queued["id"]!, (string)queued["workStatus"]!));
        Assert.NotNull(queued["slaDueAt"]);
        Assert.Empty(inbox.Body!["mine"]!.AsArray());

        var claimed = (await tenant.Sales.ClaimAsync(id)).Expect(HttpStatusCode.OK);
        var late = (await tenant.Sales2.ClaimAsync(id)).Expect(HttpStatusCode.Conflict);
        (await tenant.Sales.ClaimAsync(id)).Expect(HttpStatusCode.OK);

        Assert.Equal(tenant.Members["sales"].Id.ToString(), claimed.Str("ownerId"));
        Assert.Equal("already-claimed", late.Str("code"));
        Assert.Contains("claimed", late.Str("detail"), StringComparison.Ordinal);
        Assert.Single((await tenant.Sales.InboxAsync()).Body!["mine"]!.AsArray());
        Assert.Empty((await tenant.Sales2.InboxAsync()).Body!["shared"]!.AsArray());
        var assignments = claimed.Body!["assignments"]!.AsArray();
        Assert.Equal(["shared queue: no routing rules", "claimed from the shared queue"], assignments.Select(a => (string)a!["reason"]!));
    }

    [Fact]
    public async Task TwoRepsClaimingTheSameLeadAtOnce_ExactlyOneGetsIt_TheOtherAClearConflict()
    {
        var tenant = await app.NewTenantAsync();
        for (var round = 0; round < 5; round++)
        {
            var id = await tenant.Marketing.NewLeadAsync();
            (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);

            var answers = await Task.WhenAll(tenant.Sales.ClaimAsync(id), tenant.Sales2.ClaimAsync(id));

            Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
            var refused = Assert.Single(answers, a => a.Status == HttpStatusCode.Conflict);
            Assert.Equal("already-claimed", refused.Str("code"));
            var winner = answers.Single(a => a.Status == HttpStatusCode.OK).Str("ownerId");
            Assert.Equal(winner, (await tenant.Sales.GetLeadAsync(id)).Str("ownerId"));
        }
    }

    [Fact]
    public async Task ARepsOwnClaimRetriedAtOnce_IsAnsweredAsAClaimEveryTime_AndAssignsOnce()
    {
        var tenant = await app.NewTenantAsync();
        for (var round = 0; round < 3; round++)
        {
            var id = await tenant.Marketing.NewLeadAsync();
            (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);

            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => tenant.Sales.ClaimAsync(id)));

            Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, tenant.Members["sales"].Id.ToString()), (a.Status, a.Str("ownerId"))));
            var lead = (await tenant.Sales.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
            Assert.Single(lead.Body!["assignments"]!.AsArray(), a => (string)a!["reason"]! == "claimed from the shared queue");
        }
    }

    [Fact]
    public async Task TwoRepsAcceptingTheSameLeadAtOnce_ExactlyOneSucceeds_TheOtherAConflict()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);

        var answers = await Task.WhenAll(tenant.Sales.AcceptAsync(id), tenant.Sales2.AcceptAsync(id));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.Single(answers, a => a.Status == HttpStatusCode.Conflict && a.Str("type")!.StartsWith(Leadgate.Web.Api.Problems.TypeBase, StringComparison.Ordinal));
        Assert.Equal("Sql", (await tenant.Sales.GetLeadAsync(id)).Str("stage"));
    }

    [Fact]
    public async Task AThousandMqlsImportedAtOnce_AreSharedFairly_SkippingTheAbsentRep_AndRespectingCapacity()
    {
        var tenant = await app.NewTenantAsync();
        var reps = new List<Guid> { tenant.Members["sales"].Id, tenant.Members["sales2"].Id };
        for (var i = 3; i <= 5; i++)
        {
            reps.Add((await app.AddMemberAsync(tenant.Slug, $"rep{i}@{tenant.Slug}.example.com", "Sales")).Id);
        }

        var (absent, capped) = (reps[2], reps[3]);
        (await tenant.Manager.PutRoutingAsync(new
        {
            teams = new[] { new { name = "Inside sales", managerId = tenant.Members["manager"].Id, members = reps } },
            rules = new[] { new { name = "Everyone", team = "Inside sales" } },
            reps = new object[] { new { userId = absent, available = false }, new { userId = capped, available = true, capacity = 50 } },
        })).Expect(HttpStatusCode.OK);
        (await tenant.Marketing.PutScoringAsync(ScoringModel.Default with { FitThreshold = 0, EngagementThreshold = 0 })).Expect(HttpStatusCode.OK);
        var csv = new StringBuilder("Email,First Name,Job Title,Company Name\r\n");
        for (var i = 0; i < 1_000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"buyer{i}@company{i}.example.com,Buyer {i},Head of Sales,Company {i}\r\n");
        }

        var import = (await tenant.Marketing.ImportCsvAsync(csv.ToString())).Expect(HttpStatusCode.Created);
        Assert.Equal(1_000, (int)import.Body!["imported"]!);

        var routing = (await tenant.Manager.GetRoutingAsync()).Expect(HttpStatusCode.OK);
        var open = routing.Body!["reps"]!.AsArray().ToDictionary(r => Guid.Parse((string)r!["userId"]!), r => (int)r!["openMqls"]!);
        Assert.Equal(0, open[absent]);
        Assert.InRange(open[capped], 1, 50);
        var others = reps.Except([absent, capped]).Select(r => open[r]).ToList();
        Assert.True(others.Max() - others.Min() <= 1, $"Unfair: {string.Join(", ", others)}");
        Assert.Equal(1_000, open.Values.Sum());
        Assert.Empty((await tenant.Sales.InboxAsync()).Body!["shared"]!.AsArray());
        var anyLead = (await tenant.Sales.InboxAsync()).Body!["mine"]!.AsArray()[0]!;
        var details = (await tenant.Sales.GetLeadAsync(Guid.Parse((string)anyLead["id"]!))).Expect(HttpStatusCode.OK);
        Assert.Equal("rule 'Everyone', round robin in team 'Inside sales'", (string)details.Body!["assignments"]!.AsArray().Single()!["reason"]!);
    }

    [Fact]
    public async Task RoutingRules_SendALeadToTheFirstMatchingTarget_AndToTheSharedQueueWhenTheRepIsAway()
    {
        var tenant = await app.NewTenantAsync();
        var sales = tenant.Members["sales"].Id;
        var sales2 = tenant.Members["sales2"].Id;
        (await tenant.Admin.PutRoutingAsync(new
        {
            teams = new[] { new { name = "Benelux", members = new[] { sales } } },
            rules = new object[]
            {
                new { name = "Benelux", countries = Benelux, team = "Benelux" },
                new { name = "Big German companies", countries = Germany, minEmployees = 1_000, userId = sales2 },
            },
        })).Expect(HttpStatusCode.OK);

        var dutch = await MqlAsync(tenant, "NL", 250);
        var german = await MqlAsync(tenant, "DE", 5_000);
        var french = await MqlAsync(tenant, "FR", 5_000);
        (await tenant.Sales2.SetAvailabilityAsync(sales2, available: false)).Expect(HttpStatusCode.OK);
        var germanWhileAway = await MqlAsync(tenant, "DE", 5_000);

        Assert.Equal(sales.ToString(), (await tenant.Sales.GetLeadAsync(dutch)).Str("ownerId"));
        Assert.Equal(sales2.ToString(), (await tenant.Sales.GetLeadAsync(german)).Str("ownerId"));
        Assert.Null((await tenant.Sales.GetLeadAsync(french)).Body!["ownerId"]);
        var away = (await tenant.Sales.GetLeadAsync(germanWhileAway)).Expect(HttpStatusCode.OK);
        Assert.Null(away.Body!["ownerId"]);
        Assert.Equal("shared queue: rule 'Big German companies', the rep is away or full", (string)away.Body!["handover"]!["route"]!);
    }

    [Fact]
    public async Task AHandRaiseFromAnUnknownPerson_MakesANewMql_ThatIsRoutedAndClockedLikeAnyOther()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Admin.PutRoutingAsync(new { teams = Array.Empty<object>(), rules = new[] { new { name = "Everyone to Sam", userId = tenant.Members["sales"].Id } } })).Expect(HttpStatusCode.OK);

        var recorded = (await tenant.Marketing.SendEventsAsync([new { externalId = "demo-1", type = "DemoRequest", email = "new.buyer@fresh.example.com", occurredAt = app.Clock.GetUtcNow() }]))
            .Expect(HttpStatusCode.OK);

        var id = Guid.Parse((string)recorded.Body!["createdLeads"]![0]!);
        var lead = (await tenant.Sales.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Mql", tenant.Members["sales"].Id.ToString()), (lead.Str("stage"), lead.Str("ownerId")));
        Assert.NotNull(lead.Body!["handover"]!["slaDueAt"]);
        Assert.Equal("rule 'Everyone to Sam'", (string)lead.Body!["assignments"]!.AsArray().Single()!["reason"]!);
        Assert.Contains(HappeningKind.LeadAssigned, (await NoticesAsync(id)).Select(n => n.Item1));
    }

    [Fact]
    public async Task Availability_IsSetByTheRepForThemselves_OrByAManager_AndCapacityOnlyByAManager()
    {
        var tenant = await app.NewTenantAsync();
        var sales2 = tenant.Members["sales2"].Id;

        (await tenant.Sales.SetAvailabilityAsync(sales2, available: false)).Expect(HttpStatusCode.Forbidden);
        var own = (await tenant.Sales2.SetAvailabilityAsync(sales2, available: false)).Expect(HttpStatusCode.OK);
        var capacity = (await tenant.Sales2.SetAvailabilityAsync(sales2, available: true, capacity: 10)).Expect(HttpStatusCode.BadRequest);
        var managed = (await tenant.Manager.SetAvailabilityAsync(sales2, available: true, capacity: 10)).Expect(HttpStatusCode.OK);
        (await tenant.Manager.SetAvailabilityAsync(tenant.Members["marketing"].Id, available: true)).Expect(HttpStatusCode.NotFound);

        Assert.False((bool)own.Body!["available"]!);
        Assert.NotNull(capacity.Body!["errors"]!["capacity"]);
        Assert.Equal((true, 10), ((bool)managed.Body!["available"]!, (int)managed.Body!["capacity"]!));
    }

    [Fact]
    public async Task BadRoutingAndSlaSettings_AreRefusedNamingEachField_AndChangeNothing()
    {
        var tenant = await app.NewTenantAsync();

        var routing = (await tenant.Admin.PutRoutingAsync(new
        {
            teams = new[] { new { name = "A", members = new[] { tenant.Members["marketing"].Id } }, new { name = "a", members = Array.Empty<Guid>() } },
            rules = new object[] { new { name = "Bad", countries = NotACode, team = "Nowhere" }, new { name = "", minEmployees = 10, maxEmployees = 5 } },
        })).Expect(HttpStatusCode.BadRequest);
        var sla = (await tenant.Admin.PutSlaAsync(new { responseHours = 0, dayStartsAt = "17:00", dayEndsAt = "09:00", workingDays = Monday, timeZone = "Nowhere/City" })).Expect(HttpStatusCode.BadRequest);
        (await tenant.Sales.PutSlaAsync(new { responseHours = 2 })).Expect(HttpStatusCode.Forbidden);
        (await tenant.Marketing.PutRoutingAsync(new { teams = Array.Empty<object>(), rules = Array.Empty<object>() })).Expect(HttpStatusCode.Forbidden);

        var errors = routing.Body!["errors"]!.AsObject().Select(e => e.Key).Order().ToList();
        Assert.Equal(["rules[0].countries", "rules[0].team", "rules[1].maxEmployees", "rules[1].name", "rules[1].team", "teams[0].members[0]", "teams[1].name"], errors);
        Assert.Equal(["dayEndsAt", "responseHours", "timeZone"], sla.Body!["errors"]!.AsObject().Select(e => e.Key).Order());
        var read = (await tenant.Sales.GetRoutingAsync()).Expect(HttpStatusCode.OK);
        Assert.Empty(read.Body!["teams"]!.AsArray());
        var clock = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/settings/sla")).Expect(HttpStatusCode.OK);
        Assert.Equal((4m, "Europe/Amsterdam"), ((decimal)clock.Body!["responseHours"]!, clock.Str("timeZone")));
    }

    /// <summary>Found by `leadgate fuzz api`: a team without a name, before another team or a rule naming a team, was a 500.</summary>
    [Fact]
    public async Task ATeamWithANullName_IsRefusedNamingIt_NotAFault()
    {
        var tenant = await app.NewTenantAsync();
        var sales = tenant.Members["sales"].Id;

        var routing = (await tenant.Manager.PutRoutingAsync(new
        {
            teams = new object[] { new { name = (string?)null, members = new[] { sales } }, new { name = "North", members = Array.Empty<Guid>() } },
            rules = new[] { new { name = "All", team = "North" } },
        })).Expect(HttpStatusCode.BadRequest);

        Assert.Equal(["teams[0].name"], routing.Body!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Empty((await tenant.Sales.GetRoutingAsync()).Expect(HttpStatusCode.OK).Body!["teams"]!.AsArray());
    }

    [Fact]
    public async Task AnUntouchedMql_PastItsDueTimeInWorkingHours_IsRemindedThenBreachedAndEscalated_OnceEvenWithTwoSweepers()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Admin.PutRoutingAsync(new
        {
            teams = new[] { new { name = "Team", managerId = tenant.Members["manager"].Id, members = new[] { tenant.Members["sales"].Id } } },
            rules = new[] { new { name = "All", team = "Team" } },
        })).Expect(HttpStatusCode.OK);
        var friday = NextLocal(DayOfWeek.Friday, 15);
        app.Clock.SetUtcNow(friday);
        var untouched = await MqlAsync(tenant, "NL", 100);
        var touched = await MqlAsync(tenant, "NL", 100);

        var due = DateTimeOffset.Parse((string)(await tenant.Sales.GetLeadAsync(untouched)).Body!["handover"]!["slaDueAt"]!, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
        // Friday 15:00 + 4 working hours = Monday 11:00 (the test clock moves a millisecond per read).
        var mondayEleven = TimeZoneInfo.ConvertTime(friday, Amsterdam).Date.AddDays(3).AddHours(11);
        Assert.InRange(TimeZoneInfo.ConvertTime(due, Amsterdam).DateTime - mondayEleven, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        // Saturday and Sunday pass without the clock running out. (The sweep covers every organisation of the test app,
        // so what it did is read from this tenant's notices.)
        app.Clock.SetUtcNow(friday.AddDays(2).AddHours(6));
        await SweepAsync();
        Assert.Equal([HappeningKind.LeadAssigned], (await NoticesAsync(untouched)).Select(n => n.Item1));

        // Monday 10:30: within the last hour, the owner is reminded; a call stops the second lead's clock.
        app.Clock.SetUtcNow(due.AddMinutes(-30));
        await SweepAsync();
        Assert.Equal([HappeningKind.LeadAssigned, HappeningKind.SlaReminder], (await NoticesAsync(touched)).Select(n => n.Item1));
        (await tenant.Sales.LogActivityAsync(touched, "Call", "Outbound", "NoAnswer")).Expect(HttpStatusCode.Created);

        // Two instances sweep at the same moment, some minutes late: each breach is flagged and escalated once, and says when
        // the clock ran out, not when it was noticed.
        app.Clock.SetUtcNow(due.AddMinutes(7));
        await Task.WhenAll(SweepAsync(), SweepAsync());

        var breached = (await tenant.Sales.GetLeadAsync(untouched)).Body!["handover"]!;
        Assert.True((bool)breached["breached"]!);
        Assert.Equal(due, DateTimeOffset.Parse((string)breached["breachedAt"]!, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime());
        Assert.True(DateTimeOffset.Parse((string)breached["escalatedAt"]!, System.Globalization.CultureInfo.InvariantCulture) >= due.AddMinutes(7));
        var kept = (await tenant.Sales.GetLeadAsync(touched)).Body!["handover"]!;
        Assert.False((bool)kept["breached"]!);
        Assert.NotNull(kept["firstTouchAt"]);
        Assert.Equal("Attempting", (await tenant.Sales.GetLeadAsync(touched)).Str("workStatus"));
        var notices = await NoticesAsync(untouched);
        Assert.Equal(
            [(HappeningKind.LeadAssigned, "sales"), (HappeningKind.SlaReminder, "sales"), (HappeningKind.SlaBreached, "manager"), (HappeningKind.SlaBreached, "sales")],
            notices.Select(n => (n.Item1, tenant.Members.Single(m => m.Value.Id == n.Item2).Key)).Order());
    }

    [Fact]
    public async Task TheInbox_ListsMyMqlsBeforeTheirDueTime_SoonestFirst_AndThoseAlreadyTouchedAfterThoseWaiting()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Admin.PutRoutingAsync(new { teams = Array.Empty<object>(), rules = new[] { new { name = "Mine", userId = tenant.Members["sales"].Id } } })).Expect(HttpStatusCode.OK);
        app.Clock.SetUtcNow(NextLocal(DayOfWeek.Tuesday, 10));
        var first = await MqlAsync(tenant, "NL", 100);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var second = await MqlAsync(tenant, "NL", 100);

        app.Clock.Advance(TimeSpan.FromHours(1));
        var third = await MqlAsync(tenant, "NL", 100);

        var inbox = (await tenant.Sales.InboxAsync()).Expect(HttpStatusCode.OK);
        Assert.Equal([first, second, third], inbox.Body!["mine"]!.AsArray().Select(i => Guid.Parse((string)i!["id"]!)));
        Assert.Empty((await tenant.Sales2.InboxAsync()).Body!["mine"]!.AsArray());

        // The first one's clock stops at a call: the two still waiting for a first touch come before it.
        (await tenant.Sales.LogConnectedCallAsync(first)).Expect(HttpStatusCode.Created);
        inbox = (await tenant.Sales.InboxAsync()).Expect(HttpStatusCode.OK);
        Assert.Equal([second, third, first], inbox.Body!["mine"]!.AsArray().Select(i => Guid.Parse((string)i!["id"]!)));
    }

    private static async Task<Guid> MqlAsync(Tenant tenant, string country, int employees)
    {
        var created = (await tenant.Marketing.CreateLeadAsync(new
        {
            email = $"{Guid.NewGuid():N}@buyer.example.com",
            firstName = "Noor",
            company = new { name = "Buyer", domain = $"{Guid.NewGuid():N}.example.com", employees, country },
        })).Expect(HttpStatusCode.Created).Id;
        (await tenant.Marketing.MarkMqlAsync(created)).Expect(HttpStatusCode.OK);
        return created;
    }

    /// <summary>The next such weekday at this hour in Amsterdam, after the test clock's now (the clock only moves forward).</summary>
    private DateTimeOffset NextLocal(DayOfWeek day, int hour)
    {
        var now = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), Amsterdam);
        var date = now.Date.AddDays(1);
        while (date.DayOfWeek != day)
        {
            date = date.AddDays(1);
        }

        var local = date.AddHours(hour);
        // In UTC: PostgreSQL stores only UTC offsets, and the app's clock hands this value out as "now".
        return new DateTimeOffset(local, Amsterdam.GetUtcOffset(local)).ToUniversalTime();
    }

    private async Task<ClockRound> SweepAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HandoverClock>().RunAsync(default);
    }

    /// <summary>The in-app notifications the lead's handover produced (docs/notifications.md), in the order they were made.</summary>
    private async Task<List<(HappeningKind, Guid)>> NoticesAsync(Guid leadId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var notices = await db.Happenings.Where(n => n.LeadId == leadId && n.RecipientUserId != null).ToListAsync();
        return [.. notices.OrderBy(n => n.Kind).Select(n => (n.Kind, n.RecipientUserId!.Value))];
    }
}

public sealed class HandoverApiTests_Sqlite(SqliteApp app) : HandoverApiTests(app), IClassFixture<SqliteApp>;

public sealed class HandoverApiTests_Postgres(PostgresApp app) : HandoverApiTests(app), IClassFixture<PostgresApp>;
