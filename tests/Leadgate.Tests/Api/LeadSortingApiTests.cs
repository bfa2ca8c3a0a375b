using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>GET /leads sorted by fit or engagement with minimum filters, and a cursor that stays exact; run on SQLite and on PostgreSQL.</summary>
public abstract class LeadSortingApiTests(TestApp app)
{
    private static readonly int?[] Employees = [250, null, null, 8_000, 250, 3, null];

    private static readonly string?[] Titles = ["Head of Sales", null, null, "Manager", "Intern", "CEO", "Director"];

    private static readonly int[] Downloads = [0, 3, 1, 2, 2, 0, 1];

    /// <summary>Seven leads with ties in fit and engagement and two without any fit.</summary>
    private async Task<Tenant> TenantWithLeadsAsync()
    {
        var tenant = await app.NewTenantAsync();
        for (var i = 0; i < Employees.Length; i++)
        {
            var id = (await tenant.Marketing.CreateLeadAsync(new
            {
                email = $"sort{i}-{Guid.NewGuid():N}@example.com",
                jobTitle = Titles[i],
                company = new { name = $"Company {i}", domain = $"s{i}-{Guid.NewGuid():N}.example.nl", employees = Employees[i] },
            })).Expect(HttpStatusCode.Created).Id;
            if (Downloads[i] > 0)
            {
                var at = app.Clock.GetUtcNow();
                (await tenant.Marketing.SendEventsAsync(Enumerable.Range(0, Downloads[i]).Select(d => new { externalId = $"{id}-{d}", type = "ContentDownload", leadId = id, occurredAt = at })))
                    .Expect(HttpStatusCode.OK);
            }
        }

        return tenant;
    }

    private static async Task<List<JsonNode>> AllPagesAsync(Tenant tenant, string query, int limit)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = (await tenant.Manager.ListLeadsAsync($"?{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"))).Expect(HttpStatusCode.OK).Body!;
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return items;
    }

    [Fact]
    public async Task SortByFit_IsHighestFirst_WithoutFitLast_AndTheCursorVisitsEveryLeadOnce()
    {
        var tenant = await TenantWithLeadsAsync();

        var leads = await AllPagesAsync(tenant, "sort=fit", limit: 2);

        Assert.Equal(7, leads.Select(l => (string)l["id"]!).Distinct().Count());
        var fits = leads.Select(l => (decimal?)l["fitScore"]).ToList();
        Assert.Equal(2, fits.Count(f => f is null));
        Assert.Equal(fits.Where(f => f is not null).OrderByDescending(f => f).Concat([null, null]), fits);
        Assert.True(fits[0] > fits[4], "the order cannot come from creation alone");
    }

    [Fact]
    public async Task SortByEngagement_IsHighestFirst_AndTheCursorVisitsEveryLeadOnce()
    {
        var tenant = await TenantWithLeadsAsync();

        var leads = await AllPagesAsync(tenant, "sort=engagement", limit: 3);

        var engagement = leads.Select(l => (decimal)l["engagementScore"]!).ToList();
        Assert.Equal(7, leads.Select(l => (string)l["id"]!).Distinct().Count());
        Assert.Equal(engagement.OrderDescending(), engagement);
        Assert.Equal(30m, engagement[0]);
    }

    [Fact]
    public async Task MinimumFitAndEngagement_LeaveOutLeadsBelowThem_AndLeadsWithoutFit()
    {
        var tenant = await TenantWithLeadsAsync();

        var fit = await AllPagesAsync(tenant, "minFit=60", limit: 50);
        var both = await AllPagesAsync(tenant, "minFit=50&minEngagement=20&sort=fit", limit: 50);

        Assert.NotEmpty(fit);
        Assert.All(fit, l => Assert.True((decimal?)l["fitScore"] >= 60));
        Assert.True(fit.Count < 5);
        Assert.NotEmpty(both);
        Assert.All(both, l => Assert.True((decimal?)l["fitScore"] >= 50 && (decimal)l["engagementScore"]! >= 20));
    }

    [Fact]
    public async Task ABadSortOrMinimum_OrACursorOfAnotherOrder_IsRefusedNamingTheField()
    {
        var tenant = await TenantWithLeadsAsync();
        var newest = (await tenant.Manager.ListLeadsAsync("?limit=2")).Expect(HttpStatusCode.OK);

        Assert.Contains("\"sort\"", (await tenant.Manager.ListLeadsAsync("?sort=name")).Expect(HttpStatusCode.BadRequest).Text);
        Assert.Contains("\"minFit\"", (await tenant.Manager.ListLeadsAsync("?minFit=101")).Expect(HttpStatusCode.BadRequest).Text);
        Assert.Contains("\"cursor\"", (await tenant.Manager.ListLeadsAsync($"?sort=fit&cursor={(string)newest.Body!["nextCursor"]!}")).Expect(HttpStatusCode.BadRequest).Text);
    }
}

public sealed class LeadSortingApiTests_Sqlite(SqliteApp app) : LeadSortingApiTests(app), IClassFixture<SqliteApp>;

public sealed class LeadSortingApiTests_Postgres(PostgresApp app) : LeadSortingApiTests(app), IClassFixture<PostgresApp>;
