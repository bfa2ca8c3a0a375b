using System.Data.Common;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Qualification;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Data;

/// <summary>
/// Rows written by <see cref="BulkInsert"/> read back exactly as EF would have saved them: GUIDs in EF's format (found
/// by key), empty text as empty (not NULL), text beyond ASCII intact, NULLs as NULL; and a lead, with its complex BANT
/// values, enums, times, decimals and dates, is stored column for column as EF's SaveChanges stores the same lead.
/// </summary>
public abstract class BulkInsertTests(TestApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BulkInsertedRows_ReadBackAsEfWouldHaveSavedThem()
    {
        var tenant = await app.NewTenantAsync();
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var company = Company.Create(tenant.OrganisationId, "Bäckerei Müller – Ünïcode ✓", "müller.example.de", at);
        company.Describe("Bäckerei Müller – Ünïcode ✓", "", 12, "DE");
        var contacts = Enumerable.Range(0, 120).Select(i =>
        {
            var contact = Contact.Create(tenant.OrganisationId, EmailAddress.Parse($"p{i}@mueller.example.de").Value, at);
            contact.Describe(i % 2 == 0 ? "Zoë" : null, "", i % 3 == 0 ? null : "Bäcker", "+49 30 " + i);
            return contact;
        }).ToList();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            await BulkInsert.InsertAsync(db, [company], Cancel);
            await BulkInsert.InsertAsync(db, contacts, Cancel);
            await transaction.CommitAsync(Cancel);
        }

        await using var check = app.Services.CreateAsyncScope();
        var read = check.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var storedCompany = await read.Companies.AsNoTracking().SingleAsync(c => c.Id == company.Id, Cancel);
        Assert.Equal((company.Name, company.Domain, "", 12, "DE"), (storedCompany.Name, storedCompany.Domain, storedCompany.Industry, storedCompany.Employees, storedCompany.Country));
        var ids = contacts.ConvertAll(c => c.Id);
        var stored = await read.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, Cancel);
        Assert.Equal(contacts.Count, stored.Count);
        Assert.All(contacts, contact =>
        {
            var row = stored[contact.Id];
            Assert.Equal((contact.OrganisationId, contact.Email, contact.FirstName, "", contact.JobTitle, contact.Phone), (row.OrganisationId, row.Email, row.FirstName, row.LastName, row.JobTitle, row.Phone));
        });
    }

    [Theory]
    [InlineData(63.5)]
    [InlineData(null)]
    public async Task ABulkInsertedLead_IsStoredColumnForColumn_AsEfStoresTheSameLead(double? fitScore)
    {
        var fit = (decimal?)fitScore;
        var tenant = await app.NewTenantAsync();
        var at = new DateTimeOffset(2026, 11, 23, 8, 30, 15, 123, TimeSpan.Zero);
        var company = Company.Create(tenant.OrganisationId, "Acme Bulk B.V.", null, at);
        company.Describe("Acme Bulk B.V.", "Logistics", 250, "NL");
        var sales = Actor.ForUser(tenant.OrganisationId, Guid.NewGuid(), "Sam Sales", [Roles.Sales], Channel.Ui);
        Lead Make(string name)
        {
            var contact = Contact.Create(tenant.OrganisationId, EmailAddress.Parse($"{name}.{Guid.NewGuid():N}@acme-bulk.example").Value, at);
            contact.Describe(name, "Bulk", "CTO", null);
            var lead = Lead.Create(contact, company, "webinar", null, Actor.ForImport(tenant.OrganisationId), at).Value;
            lead.KeepSourceFacts("marketingqualifiedlead", at.AddDays(-30));
            Assert.True(lead.RecordBant(
                new Bant(
                    new BudgetAssessment(BantStatus.Confirmed, "Approved for Q1", 12_500.75m),
                    new AuthorityAssessment(BantStatus.Partial, null, "Dana Decider", "CFO"),
                    new NeedAssessment(BantStatus.Unknown, "Ünïcode ✓ need"),
                    new TimelineAssessment(BantStatus.Confirmed, "", new DateOnly(2027, 3, 31))),
                sales,
                at.AddMinutes(5)).IsSuccess);
            lead.RecordScores(fit, 17.25m, at.AddMinutes(6));
            return lead;
        }

        var (saved, bulk) = (Make("saved"), Make("bulk"));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            db.Leads.Add(saved);
            await db.SaveChangesAsync(Cancel);
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            await BulkInsert.InsertAsync(db, [bulk.Contact], Cancel);
            await BulkInsert.InsertAsync(db, [bulk], Cancel);
            await transaction.CommitAsync(Cancel);
        }

        await using var check = app.Services.CreateAsyncScope();
        var read = check.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var rows = await RowsAsync(read, $"""SELECT * FROM "Leads" WHERE "SearchText" IN ('{saved.SearchText}', '{bulk.SearchText}')""");
        var (efRow, bulkRow) = (rows.Single(r => Equals(r["SearchText"], saved.SearchText)), rows.Single(r => Equals(r["SearchText"], bulk.SearchText)));
        string[] differ = ["Id", "ContactId", "SearchText"];
        Assert.Equal(efRow.Count, bulkRow.Count);
        Assert.All(efRow.Keys.Except(differ), column => Assert.True(Equals(efRow[column], bulkRow[column]), $"{column}: EF stored {efRow[column]}, the bulk insert {bulkRow[column]}"));
        Assert.Equal("Approved for Q1", efRow["Bant_Budget_Note"]);
        Assert.Equal(fit is null, efRow["FitScore"] is null);

        var found = await read.Leads.AsNoTracking().Include(l => l.Contact).SingleAsync(l => l.Id == bulk.Id, Cancel);
        Assert.Equal((saved.Bant, saved.FitScore, saved.EngagementScore, saved.SourceStage, saved.SourceCreatedAt, saved.BantAssessedAt), (found.Bant, found.FitScore, found.EngagementScore, found.SourceStage, found.SourceCreatedAt, found.BantAssessedAt));
    }

    private static async Task<List<Dictionary<string, object?>>> RowsAsync(LeadgateDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The test's own SQL, with its own constant values.
        command.CommandText = sql;
#pragma warning restore CA2100
        await using DbDataReader reader = await command.ExecuteReaderAsync(Cancel);
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync(Cancel))
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : Normalise(reader.GetValue(i))));
        }

        return rows;
    }

    /// <summary>Blobs compared by content.</summary>
    private static object Normalise(object value) => value is byte[] bytes ? Convert.ToHexString(bytes) : value;
}

public sealed class BulkInsertTests_Sqlite(SqliteApp app) : BulkInsertTests(app), IClassFixture<SqliteApp>;

public sealed class BulkInsertTests_Postgres(PostgresApp app) : BulkInsertTests(app), IClassFixture<PostgresApp>;
