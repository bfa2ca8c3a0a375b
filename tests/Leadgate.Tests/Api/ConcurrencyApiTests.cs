using System.Net;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>R2: several users changing the same lead or deal at once never lose an update.</summary>
public abstract class ConcurrencyApiTests(TestApp app)
{
    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    public async Task DealRevisions_WithTheSameIfMatch_LetExactlyOneSucceed(int users)
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var dealId = Guid.Parse((await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.OK).Str("dealId")!);
        var deal = (await tenant.Sales.GetDealAsync(dealId)).Expect(HttpStatusCode.OK);
        var clients = new[] { tenant.Sales, tenant.Sales2, tenant.Manager };

        var answers = await Task.WhenAll(Enumerable.Range(0, users).Select(i =>
            clients[i % clients.Length].SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { value = 10_000m + i }, deal.ETag)));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(users - 1, answers.Count(a => a.Status == HttpStatusCode.PreconditionFailed));
        var winner = answers.Single(a => a.Status == HttpStatusCode.OK);
        Assert.Equal((decimal)winner.Body!["value"]!, (decimal)(await tenant.Sales.GetDealAsync(dealId)).Body!["value"]!);
    }

    [Fact]
    public async Task TwoRepsAcceptingTheSameLeadAtOnce_OneSucceeds_TheOtherGetsAClearConflict()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);

        var answers = await Task.WhenAll(tenant.Sales.AcceptAsync(id), tenant.Sales2.AcceptAsync(id));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        var refused = Assert.Single(answers, a => a.Status == HttpStatusCode.Conflict);
        Assert.Contains("/problems/", refused.Str("type"));
        var lead = await tenant.Sales.GetLeadAsync(id);
        Assert.Equal("Sql", lead.Str("stage"));
        Assert.Single(lead.Body!["history"]!.AsArray(), e => (string)e!["to"]! == "Sql");
    }

    [Fact]
    public async Task AnUpdateWithAStaleIfMatchOnAnAction_Is412_AndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var read = await tenant.Sales.GetLeadAsync(id);
        (await tenant.Sales.LogActivityAsync(id, "Note", "Outbound", null, "A note moves the version")).Expect(HttpStatusCode.Created);

        (await tenant.Sales.AcceptAsync(id, ifMatch: read.ETag)).Expect(HttpStatusCode.PreconditionFailed);

        Assert.Equal("Mql", (await tenant.Sales.GetLeadAsync(id)).Str("stage"));
    }
}

public sealed class ConcurrencyApiTests_Sqlite(SqliteApp app) : ConcurrencyApiTests(app), IClassFixture<SqliteApp>;

public sealed class ConcurrencyApiTests_Postgres(PostgresApp app) : ConcurrencyApiTests(app), IClassFixture<PostgresApp>;
