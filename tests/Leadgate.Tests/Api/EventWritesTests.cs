using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Scoring;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>The hand-written SQL of event ingestion writes exactly what EF reads back, on SQLite and on PostgreSQL.</summary>
public abstract class EventWritesTests(TestApp app)
{
    [Fact]
    public async Task AnInsertedEvent_ReadsBackThroughEf_AndASecondWithTheSameExternalId_IsNotStored()
    {
        var tenant = await app.NewTenantAsync();
        var leadId = await tenant.Marketing.NewLeadAsync();
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 891, TimeSpan.Zero).AddTicks(2340);
        var first = BehaviourEvent.Record(tenant.OrganisationId, leadId, "ext-1", BehaviourType.DemoRequest, at, """{"page":"/pricing"}""", new string('a', 64), at.AddMinutes(1));
        var again = BehaviourEvent.Record(tenant.OrganisationId, leadId, "ext-1", BehaviourType.PageVisit, at, null, new string('b', 64), at.AddMinutes(2));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await using var writes = EventWrites.Of(db);
            Assert.True(await writes.InsertAllAsync([first], TestContext.Current.CancellationToken));
            Assert.False(await writes.InsertAllAsync([again], TestContext.Current.CancellationToken));
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var stored = await db.BehaviourEvents.AsNoTracking().SingleAsync(e => e.OrganisationId == tenant.OrganisationId, TestContext.Current.CancellationToken);
            Assert.Equal(
                (first.Id, leadId, "ext-1", BehaviourType.DemoRequest, at, """{"page":"/pricing"}""", at.AddMinutes(1), new string('a', 64)),
                (stored.Id, stored.LeadId, stored.ExternalId, stored.Type, stored.OccurredAt, stored.Properties, stored.ReceivedAt, stored.BodyHash));
            // The lead is found through its events with EF's own parameters, so the key is stored in EF's format.
            Assert.Equal(1, await db.BehaviourEvents.CountAsync(e => e.LeadId == leadId && e.OccurredAt == at, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task ScoresAreWritten_OnlyAtTheVersionRead_AndRaiseIt()
    {
        var tenant = await app.NewTenantAsync();
        var leadId = await tenant.Marketing.NewLeadAsync();
        var at = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);
        long version;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            version = await db.Leads.Where(l => l.Id == leadId).Select(l => l.Version).SingleAsync(TestContext.Current.CancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await using var writes = EventWrites.Of(db);
            Assert.True(await writes.UpdateAllAsync([new ScoreUpdate(leadId, version, 72.5m, 41.25m, at)], TestContext.Current.CancellationToken));
            Assert.False(await writes.UpdateAllAsync([new ScoreUpdate(leadId, version, 1m, 1m, at)], TestContext.Current.CancellationToken));
            Assert.True(await writes.UpdateAllAsync([new ScoreUpdate(leadId, version + 1, null, 41.5m, at)], TestContext.Current.CancellationToken));
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == leadId, TestContext.Current.CancellationToken);
            Assert.Equal(((decimal?)null, 41.5m, (DateTimeOffset?)at, version + 2), (lead.FitScore, lead.EngagementScore, lead.ScoredAt, lead.Version));
        }
    }

    [Fact]
    public async Task AddedRows_AreWrittenParentsFirst_AndLeaveSaveChangesOnlyTheUpdates()
    {
        var tenant = await app.NewTenantAsync();
        var existingId = await tenant.Marketing.NewLeadAsync();
        var at = new DateTimeOffset(2026, 6, 7, 8, 9, 10, TimeSpan.Zero);
        Guid newId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            var email = EmailAddress.Parse("added.rows@parents-first.example").Value;
            // Added in the order a careless caller might: the child first, then the parents it points at.
            var lead = Lead.Create(Contact.Create(tenant.OrganisationId, email, at), Company.Create(tenant.OrganisationId, "Parents First", "parents-first.example", at), "test", null, Actor.ForImport(tenant.OrganisationId), at).Value;
            newId = lead.Id;
            db.AddRange(lead.History);
            db.Add(lead);
            var existing = await db.Leads.SingleAsync(l => l.Id == existingId, TestContext.Current.CancellationToken);
            existing.RecordScores(55m, 12.5m, at);

            await BulkInsert.InsertAddedAsync(db, TestContext.Current.CancellationToken);

            Assert.DoesNotContain(db.ChangeTracker.Entries(), e => e.State == EntityState.Added);
            Assert.Equal(1, await db.SaveChangesAsync(TestContext.Current.CancellationToken)); // the existing lead's update alone
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var created = await db.Leads.AsNoTracking().Include(l => l.Contact).Include(l => l.Company).Include(l => l.History)
                .SingleAsync(l => l.Id == newId, TestContext.Current.CancellationToken);
            Assert.Equal(("added.rows@parents-first.example", "parents-first.example", Stage.Iql), (created.Contact.Email, created.Company!.Domain, created.Stage));
            Assert.Equal([Stage.Iql], created.History.Select(h => h.To));
            var existing = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == existingId, TestContext.Current.CancellationToken);
            Assert.Equal((55m, 12.5m), (existing.FitScore, existing.EngagementScore));
        }
    }
}

public sealed class EventWritesTests_Sqlite(SqliteApp app) : EventWritesTests(app), IClassFixture<SqliteApp>;

public sealed class EventWritesTests_Postgres(PostgresApp app) : EventWritesTests(app), IClassFixture<PostgresApp>;
