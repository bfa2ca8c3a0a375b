using System.Net;
using Leadgate.Data;
using Leadgate.Privacy;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Leadgate.Tests.Api;

/// <summary>Issue 19, acceptance 4: retention rules, their dry run, and the sweep on a controlled clock with two app instances on one database.</summary>
public abstract class RetentionApiTests(TestApp app)
{
    private static readonly object Rules = new { disqualifiedAfterMonths = 12, nurtureAfterMonths = 12, iqlAfterMonths = 12 };

    /// <summary>The sweep of another app instance on the same database, run on the test's clock.</summary>
    private SweepRetention SweeperOf(SecondInstance instance) => new(
        instance.Services.GetRequiredService<IDbContextFactory<LeadgateDbContext>>(), app.Clock, instance.Services.GetRequiredService<SuppressionList>(), NullLogger<SweepRetention>.Instance);

    private static async Task<List<(string Action, Guid? EntityId, string ActorKind)>> AuditAsync(Tenant tenant, string action) =>
        [.. (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/audit?limit=500")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray()
            .Where(e => (string)e!["action"]! == action)
            .Select(e => ((string)e!["action"]!, e["entityId"] is { } id ? Guid.Parse((string)id!) : (Guid?)null, (string)e["actorKind"]!))];

    [Fact]
    public async Task Rules_AreAdminOnly_Validated_AndTheirChangesAudited()
    {
        var tenant = await app.NewTenantAsync();
        var empty = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/settings/retention")).Expect(HttpStatusCode.OK);
        Assert.Null(empty.Body!["disqualifiedAfterMonths"]);
        (await tenant.Manager.SendAsync(HttpMethod.Put, "/api/v1/settings/retention", Rules)).Expect(HttpStatusCode.Forbidden);
        var bad = (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/retention", new { nurtureAfterMonths = 0 })).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("nurtureAfterMonths", bad.Text, StringComparison.Ordinal);

        var saved = (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/retention", new { disqualifiedAfterMonths = 24 })).Expect(HttpStatusCode.OK);
        Assert.Equal(24, (int)saved.Body!["disqualifiedAfterMonths"]!);
        Assert.Null(saved.Body!["nurtureAfterMonths"]);
        (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/retention", new { disqualifiedAfterMonths = 24 })).Expect(HttpStatusCode.OK);

        var changes = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/audit?entity=Settings")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        var change = Assert.Single(changes);
        Assert.Equal(("settings.retention_changed", "disqualifiedAfterMonths"), ((string)change!["action"]!, (string)change["fields"]![0]!));
    }

    [Fact]
    public async Task TheSweep_AnonymisesExactlyWhatTheDryRunListed_Once_WithTwoInstancesOnOneDatabase()
    {
        var tenant = await app.NewTenantAsync();
        var disqualified = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.DisqualifyAsync(disqualified)).Expect(HttpStatusCode.OK);
        var nurture = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(nurture)).Expect(HttpStatusCode.OK);
        (await tenant.Sales.RejectAsync(nurture)).Expect(HttpStatusCode.OK);
        var iql = await tenant.Marketing.NewLeadAsync();
        var iqlWithAVisit = await tenant.Marketing.NewLeadAsync();
        var mql = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(mql)).Expect(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromDays(400));
        var freshlyDisqualified = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.DisqualifyAsync(freshlyDisqualified)).Expect(HttpStatusCode.OK);
        (await tenant.Marketing.SendEventsAsync([new { externalId = $"visit-{iqlWithAVisit}", type = "PageVisit", leadId = iqlWithAVisit, occurredAt = app.Clock.GetUtcNow() }]))
            .Expect(HttpStatusCode.OK);
        (await tenant.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/retention", Rules)).Expect(HttpStatusCode.OK);

        var dryRun = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/retention/dry-run")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain("@lead.example.com", dryRun.Text, StringComparison.Ordinal);
        Assert.Equal(3, (int)dryRun.Body!["total"]!);
        var listed = dryRun.Body!["rules"]!.AsArray().SelectMany(r => r!["leadIds"]!.AsArray().Select(id => Guid.Parse((string)id!))).ToHashSet();
        Assert.Equal(new[] { disqualified, nurture, iql }.Order(), listed.Order());
        (await tenant.Manager.SendAsync(HttpMethod.Post, "/api/v1/settings/retention/dry-run")).Expect(HttpStatusCode.Forbidden);

        await using var first = new SecondInstance(app.ConnectionString, app.Provider);
        await using var second = new SecondInstance(app.ConnectionString, app.Provider);
        await first.InitializeAsync();
        await second.InitializeAsync();
        var anonymised = await Task.WhenAll(
            SweeperOf(first).RunDueAsync("instance-a", SweepRetention.DefaultInterval, TestContext.Current.CancellationToken),
            SweeperOf(second).RunDueAsync("instance-b", SweepRetention.DefaultInterval, TestContext.Current.CancellationToken));
        Assert.Equal(3, anonymised.Sum());

        var audited = await AuditAsync(tenant, "lead.anonymised");
        Assert.Equal(new[] { disqualified, nurture, iql }.Order(), audited.Select(a => a.EntityId!.Value).Order());
        Assert.All(audited, a => Assert.Equal("Rule", a.ActorKind));
        foreach (var id in listed)
        {
            var lead = (await tenant.Manager.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
            Assert.EndsWith("@erased.invalid", lead.Str("email"), StringComparison.Ordinal);
            Assert.Null(lead.Body!["firstName"]);
        }

        foreach (var kept in new[] { freshlyDisqualified, iqlWithAVisit, mql })
        {
            Assert.EndsWith("@lead.example.com", (await tenant.Manager.GetLeadAsync(kept)).Expect(HttpStatusCode.OK).Str("email"), StringComparison.Ordinal);
        }

        // Swept once a day: again at once, nothing; a day later the same rules find nothing new.
        Assert.Equal(0, await SweeperOf(first).RunDueAsync("instance-a", SweepRetention.DefaultInterval, TestContext.Current.CancellationToken));
        app.Clock.Advance(TimeSpan.FromDays(1.1));
        Assert.Equal(0, await SweeperOf(second).RunDueAsync("instance-b", SweepRetention.DefaultInterval, TestContext.Current.CancellationToken));
        Assert.Equal(3, (await AuditAsync(tenant, "lead.anonymised")).Count);
        Assert.Equal(0, (int)(await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/retention/dry-run")).Expect(HttpStatusCode.OK).Body!["total"]!);
        Assert.NotNull((await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/retention")).Expect(HttpStatusCode.OK).Body!["lastSweptAt"]);
    }
}

public sealed class RetentionApiTests_Sqlite(SqliteApp app) : RetentionApiTests(app), IClassFixture<SqliteApp>;

public sealed class RetentionApiTests_Postgres(PostgresApp app) : RetentionApiTests(app), IClassFixture<PostgresApp>;
