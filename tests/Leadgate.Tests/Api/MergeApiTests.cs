using System.Net;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Issue 19, acceptance 5: two leads of one person merged; on SQLite and PostgreSQL.</summary>
public abstract class MergeApiTests(TestApp app)
{
    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<long[]> FunnelReachedAsync(Tenant tenant)
    {
        var now = app.Clock.GetUtcNow();
        var funnel = (await tenant.Manager.SendAsync(HttpMethod.Get, $"/api/v1/reports/funnel?from={Day(now.AddDays(-2))}&to={Day(now.AddDays(2))}")).Expect(HttpStatusCode.OK);
        return [.. funnel.Body!["stages"]!.AsArray().Select(s => (long)s!["reached"]!)];
    }

    [Fact]
    public async Task MergingTwoLeadsOfOnePerson_KeepsBothHistoriesInOrder_TheOldIdLeadsToTheSurvivor_TheFunnelCountsThemOnce_AndIsAudited()
    {
        var tenant = await app.NewTenantAsync();
        var work = await tenant.Marketing.NewLeadAsync("ada.work@example.com");
        (await tenant.Marketing.MarkMqlAsync(work)).Expect(HttpStatusCode.OK);
        (await tenant.Sales.LogActivityAsync(work, "Call", "Outbound", "NoAnswer", "Tried the work number")).Expect(HttpStatusCode.Created);
        var home = await tenant.Marketing.NewLeadAsync("ada.home@example.com");
        (await tenant.Marketing.SendEventsAsync([new { externalId = $"visit-{home}", type = "PageVisit", leadId = home, occurredAt = app.Clock.GetUtcNow() }])).Expect(HttpStatusCode.OK);
        (await tenant.Sales.LogActivityAsync(home, "Email", "Inbound", null, "Wrote from home")).Expect(HttpStatusCode.Created);
        Assert.Equal(2, (await FunnelReachedAsync(tenant))[0]);

        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/leads/{home}/merge", new { intoLeadId = work })).Expect(HttpStatusCode.Forbidden);
        (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/leads/{home}/merge", new { intoLeadId = home })).Expect(HttpStatusCode.BadRequest);
        var etagBefore = (await tenant.Manager.GetLeadAsync(work)).Expect(HttpStatusCode.OK).Message.Headers.ETag;
        // Sent twice with one Idempotency-Key: merged once, the second answer the first's, replayed.
        var survivor = (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/leads/{home}/merge", new { intoLeadId = work }, idempotencyKey: "merge-home")).Expect(HttpStatusCode.OK);
        Assert.Equal(work, survivor.Id);
        var replayed = (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/leads/{home}/merge", new { intoLeadId = work }, idempotencyKey: "merge-home")).Expect(HttpStatusCode.OK);
        Assert.Equal((work, "true"), (replayed.Id, replayed.Message.Headers.GetValues("Idempotent-Replayed").Single()));

        var old = (await tenant.Manager.GetLeadAsync(home)).Expect(HttpStatusCode.OK);
        Assert.Equal(work, old.Id);
        Assert.Equal(work.ToString(), Assert.Single(old.Message.Headers.GetValues("Leadgate-Merged-Into")));
        var current = await tenant.Manager.GetLeadAsync(work);
        Assert.False(current.Message.Headers.Contains("Leadgate-Merged-Into"));
        // The survivor changed (its history grew): a client holding the ETag from before the merge cannot write over it.
        Assert.NotNull(etagBefore);
        Assert.NotEqual(etagBefore, current.Message.Headers.ETag);

        var history = old.Body!["history"]!.AsArray().Select(e => ((string)e!["to"]!, (DateTimeOffset)e["at"]!)).ToList();
        Assert.Equal(["Iql", "Mql", "Iql"], history.Select(h => h.Item1));
        Assert.Equal(history.Select(h => h.Item2).Order(), history.Select(h => h.Item2));
        var activities = old.Body!["activities"]!.AsArray().Select(a => (string)a!["notes"]!).ToList();
        Assert.Equal(["Wrote from home", "Tried the work number"], activities);
        Assert.Equal("Mql", old.Str("stage"));

        var list = (await tenant.Manager.ListLeadsAsync("?limit=50")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        Assert.Equal([work], list.Select(l => Guid.Parse((string)l!["id"]!)));
        var reached = await FunnelReachedAsync(tenant);
        Assert.Equal((1, 1), (reached[0], reached[1]));

        var audit = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?entityId={home}")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        Assert.Contains(audit, e => (string)e!["action"]! == "lead.merged" && (string)e["reason"]! == $"merged into {work}");

        (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/leads/{home}/merge", new { intoLeadId = work })).Expect(HttpStatusCode.Conflict);
        var stranger = await app.NewTenantAsync();
        (await stranger.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/leads/{work}/merge", new { intoLeadId = home })).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MergingTwoRecordsOfOneCompany_MovesItsLeads_FillsTheSurvivorsEmptyFields_AndIsAudited()
    {
        var tenant = await app.NewTenantAsync();
        var domain = $"{Guid.NewGuid():N}.example.nl";
        // An import without a domain (a free-mail address) and a web form with the company's own address: two records.
        var imported = (await tenant.Marketing.CreateLeadAsync(new { email = $"{Guid.NewGuid():N}@gmail.com", company = new { name = "Acme" } })).Expect(HttpStatusCode.Created).Id;
        var formed = (await tenant.Marketing.CreateLeadAsync(new { email = $"bob@{domain}", company = new { name = "Acme B.V.", industry = "Logistics" } })).Expect(HttpStatusCode.Created).Id;
        Guid CompanyOf(ApiResponse lead) => Guid.Parse((string)lead.Body!["company"]!["id"]!);
        var duplicate = CompanyOf((await tenant.Manager.GetLeadAsync(imported)).Expect(HttpStatusCode.OK));
        var survivor = CompanyOf((await tenant.Manager.GetLeadAsync(formed)).Expect(HttpStatusCode.OK));
        Assert.NotEqual(duplicate, survivor);

        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/companies/{duplicate}/merge", new { intoCompanyId = survivor })).Expect(HttpStatusCode.Forbidden);
        (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/companies/{duplicate}/merge", new { })).Expect(HttpStatusCode.BadRequest);
        var merged = (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/companies/{duplicate}/merge", new { intoCompanyId = survivor }, idempotencyKey: "merge-acme")).Expect(HttpStatusCode.OK);
        Assert.Equal((survivor, domain, "Logistics", 1L), (merged.Id, merged.Str("domain"), merged.Str("industry"), (long)merged.Body!["leadsMoved"]!));

        var moved = (await tenant.Manager.GetLeadAsync(imported)).Expect(HttpStatusCode.OK);
        Assert.Equal(survivor, CompanyOf(moved));
        var audit = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?entity=Company&entityId={duplicate}")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        Assert.Contains(audit, e => (string)e!["action"]! == "company.merged" && (string)e["reason"]! == $"merged into {survivor}");

        (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/companies/{duplicate}/merge", new { intoCompanyId = survivor })).Expect(HttpStatusCode.Conflict);
        var stranger = await app.NewTenantAsync();
        (await stranger.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/companies/{survivor}/merge", new { intoCompanyId = duplicate })).Expect(HttpStatusCode.NotFound);
    }
}

public sealed class MergeApiTests_Sqlite(SqliteApp app) : MergeApiTests(app), IClassFixture<SqliteApp>;

public sealed class MergeApiTests_Postgres(PostgresApp app) : MergeApiTests(app), IClassFixture<PostgresApp>;
