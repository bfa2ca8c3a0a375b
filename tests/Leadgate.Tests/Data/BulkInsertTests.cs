using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Data;

/// <summary>
/// Rows written by <see cref="BulkInsert"/> read back exactly as EF would have saved them: GUIDs in EF's format (found
/// by key), empty text as empty (not NULL), text beyond ASCII intact, NULLs as NULL.
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
}

public sealed class BulkInsertTests_Sqlite(SqliteApp app) : BulkInsertTests(app), IClassFixture<SqliteApp>;

public sealed class BulkInsertTests_Postgres(PostgresApp app) : BulkInsertTests(app), IClassFixture<PostgresApp>;
