using System.Net;
using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Reports;
using Leadgate.Tests.Api;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Data;

/// <summary>
/// Issue 17, acceptance 5: the reports count each lead's funnel row (<see cref="LeadFunnel"/>), kept by the writers of stage
/// events and by the database's triggers for moves, changes and deletes. Whatever happens to the events — written by the
/// lifecycle, an import with history, the event intake, moved to another lead (a merge), changed, deleted, written raw and
/// counted again — every row equals the first entries and reaches counted again in plain C# from the events left.
/// </summary>
public abstract class LeadFunnelTests(TestApp app)
{
    [Fact]
    public async Task EveryLeadsFunnelRow_EqualsItsStageEventsCountedAgain_AfterWritesMovesChangesAndDeletes()
    {
        var tenant = await app.NewTenantAsync();
        var (first, second, third) = (await tenant.Marketing.NewLeadAsync(), await tenant.Marketing.NewLeadAsync(), await tenant.Marketing.NewLeadAsync());
        (await tenant.Marketing.MarkMqlAsync(first)).Expect(HttpStatusCode.OK);
        (await tenant.Marketing.MarkMqlAsync(second)).Expect(HttpStatusCode.OK);
        var cancellationToken = TestContext.Current.CancellationToken;
        await AssertRowsAsync(tenant.OrganisationId, expectedLeads: 3);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();

            // The first lead's MQL becomes imported history, a week earlier, straight into Customer (a skip of SQL and Opportunity).
            var mql = await db.StageEvents.Where(e => e.LeadId == first && e.To == Stage.Mql).Select(e => new { e.Id, e.At }).SingleAsync(cancellationToken);
            await db.StageEvents.Where(e => e.Id == mql.Id).ExecuteUpdateAsync(
                u => u.SetProperty(e => e.To, Stage.Customer).SetProperty(e => e.ActorKind, ActorKind.Import).SetProperty(e => e.At, mql.At.AddDays(-7)), cancellationToken);
            await AssertRowsAsync(tenant.OrganisationId, expectedLeads: 3);

            // A merge moves the second lead's events to the third.
            await db.StageEvents.Where(e => e.LeadId == second).ExecuteUpdateAsync(u => u.SetProperty(e => e.LeadId, third), cancellationToken);
            await AssertRowsAsync(tenant.OrganisationId, expectedLeads: 2);

            // The third lead's IQL entries are deleted: it keeps only its MQL; the first loses every event and its row.
            await db.StageEvents.Where(e => e.LeadId == third && e.To == Stage.Iql).ExecuteDeleteAsync(cancellationToken);
            await db.StageEvents.Where(e => e.LeadId == first).ExecuteDeleteAsync(cancellationToken);
            await AssertRowsAsync(tenant.OrganisationId, expectedLeads: 1);
        }

        // New events still make and lower rows after all that.
        var fourth = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(fourth)).Expect(HttpStatusCode.OK);
        await AssertRowsAsync(tenant.OrganisationId, expectedLeads: 2);
    }

    [Fact]
    public async Task ImportedHistory_IntakeAndRawWritesCountedAgain_GiveTheRowsTheirEventsGive()
    {
        var tenant = await app.NewTenantAsync();
        var cancellationToken = TestContext.Current.CancellationToken;

        // An import with lifecycle stages: imported history, with skips, written in bulk.
        var file = Imports.ExportFiles.HubSpot(60);
        (await tenant.Marketing.ImportCsvAsync(file.Csv, "?fileName=contacts.csv")).Expect(HttpStatusCode.Created);
        await AssertRowsAsync(tenant.OrganisationId, expectedLeads: file.DistinctEmails);

        // The event intake creates a lead; the lifecycle then moves an imported lead on.
        (await tenant.Marketing.SendEventsAsync([new { externalId = "funnel-1", type = "DemoRequest", email = "funnel.buyer@fresh.example.com", occurredAt = app.Clock.GetUtcNow() }]))
            .Expect(HttpStatusCode.OK);
        await AssertRowsAsync(tenant.OrganisationId, expectedLeads: file.DistinctEmails + 1);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();

        // Rows written around the product are missing until the organisation is counted again; then all rows are exact.
        await db.LeadFunnels.Where(f => f.OrganisationId == tenant.OrganisationId).ExecuteDeleteAsync(cancellationToken);
        Assert.Equal(0, await db.LeadFunnels.CountAsync(f => f.OrganisationId == tenant.OrganisationId, cancellationToken));
        await LeadFunnel.RecountAsync(db, tenant.OrganisationId, cancellationToken);
        await AssertRowsAsync(tenant.OrganisationId, expectedLeads: file.DistinctEmails + 1);
    }

    private async Task AssertRowsAsync(Guid organisationId, int expectedLeads)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var events = await db.StageEvents.AsNoTracking().Where(e => e.OrganisationId == organisationId)
            .Select(e => new { e.LeadId, e.To, e.At, e.ActorKind }).ToListAsync(cancellationToken);
        var rows = await db.LeadFunnels.AsNoTracking().Where(f => f.OrganisationId == organisationId).ToListAsync(cancellationToken);

        var stages = GetFunnel.FunnelStages;
        var expected = events.Where(e => stages.Contains(e.To)).GroupBy(e => e.LeadId).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(expectedLeads, expected.Count);
        Assert.Equal(expected.Keys.Order(), rows.Select(r => r.LeadId).Order());
        foreach (var row in rows)
        {
            foreach (var includeImported in new[] { true, false })
            {
                var counted = expected[row.LeadId].Where(e => includeImported || e.ActorKind != ActorKind.Import).ToList();
                for (var s = 0; s < stages.Count; s++)
                {
                    var later = stages.Skip(s).ToHashSet();
                    DateTimeOffset? entered = counted.Where(e => e.To == stages[s]).Select(e => (DateTimeOffset?)e.At).Min();
                    DateTimeOffset? reached = counted.Where(e => later.Contains(e.To)).Select(e => (DateTimeOffset?)e.At).Min();
                    Assert.Equal(entered, Value(row, LeadFunnel.Column(s, reached: false, includeImported)));
                    Assert.Equal(reached, Value(row, LeadFunnel.Column(s, reached: true, includeImported)));
                }
            }
        }
    }

    private static DateTimeOffset? Value(LeadFunnel row, string column) =>
        (DateTimeOffset?)typeof(LeadFunnel).GetProperty(column)!.GetValue(row);
}

public sealed class LeadFunnelTests_Sqlite(SqliteApp app) : LeadFunnelTests(app), IClassFixture<SqliteApp>;

public sealed class LeadFunnelTests_Postgres(PostgresApp app) : LeadFunnelTests(app), IClassFixture<PostgresApp>;
