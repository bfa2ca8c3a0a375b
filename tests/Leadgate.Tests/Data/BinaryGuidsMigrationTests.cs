using Leadgate.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Leadgate.Tests.Data;

/// <summary>
/// The SQLite migration that stores keys as 16 bytes (SqliteGuids) converts the keys of a database written before it,
/// parents and children alike, so every relation still holds; and its way down gives the text back.
/// </summary>
public sealed class BinaryGuidsMigrationTests : IDisposable
{
    private const string Before = "20261123003802_EventTypeInLeadIndex";

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"leadgate-migration-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task ADatabaseWithTextKeys_IsConvertedToSixteenByteKeys_ThatEfFindsAndJoins_AndTheWayDownGivesTheTextBack()
    {
        var (organisation, company, contact, lead) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await using (var db = Context())
        {
            await db.GetService<IMigrator>().MigrateAsync(Before, TestContext.Current.CancellationToken);
        }

        // Written as the model stored them before: upper-case text.
        await ExecuteAsync(
            $"""
            INSERT INTO "Organisations" ("Id", "Slug", "Name", "DefaultCurrency", "TimeZone", "CreatedAt") VALUES ('{Text(organisation)}', 'acme', 'Acme', 'EUR', 'Europe/Amsterdam', 0);
            INSERT INTO "Companies" ("Id", "OrganisationId", "Name", "Domain") VALUES ('{Text(company)}', '{Text(organisation)}', 'Acme B.V.', 'acme.example');
            INSERT INTO "Contacts" ("Id", "OrganisationId", "Email") VALUES ('{Text(contact)}', '{Text(organisation)}', 'ann@acme.example');
            INSERT INTO "Leads" ("Id", "OrganisationId", "ContactId", "CompanyId", "Stage", "HighestStage", "WorkStatus", "CreatedAt", "UpdatedAt", "StageChangedAt", "SearchText", "Version",
                "Bant_Authority_Status", "Bant_Budget_Status", "Bant_Need_Status", "Bant_Timeline_Status")
            VALUES ('{Text(lead)}', '{Text(organisation)}', '{Text(contact)}', '{Text(company)}', 'Iql', 'Iql', 'New', 0, 0, 0, 'ann', 1, 'Unknown', 'Unknown', 'Unknown', 'Unknown');
            INSERT INTO "StageEvents" ("Id", "OrganisationId", "LeadId", "To", "At", "ActorKind", "ActorName") VALUES ('{Text(Guid.CreateVersion7())}', '{Text(organisation)}', '{Text(lead)}', 'Iql', 0, 'Import', 'import');
            """);

        await using (var db = Context())
        {
            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
            var found = await db.Leads.Include(l => l.Contact).Include(l => l.Company).Include(l => l.History).SingleAsync(l => l.Id == lead, TestContext.Current.CancellationToken);
            Assert.Equal((organisation, contact, "ann@acme.example", company, "acme.example"), (found.OrganisationId, found.ContactId, found.Contact.Email, found.Company!.Id, found.Company.Domain));
            Assert.Equal(lead, Assert.Single(found.History).LeadId);
        }

        Assert.Equal(
            [SqliteGuids.ToBytes(lead), SqliteGuids.ToBytes(organisation), SqliteGuids.ToBytes(contact), SqliteGuids.ToBytes(company)],
            await RowAsync("""SELECT "Id", "OrganisationId", "ContactId", "CompanyId" FROM "Leads" """));
        Assert.Equal(0L, await ScalarAsync("""SELECT COUNT(*) FROM "StageEvents" WHERE typeof("Id") <> 'blob' OR typeof("LeadId") <> 'blob' OR typeof("OrganisationId") <> 'blob'"""));
        Assert.Null(await ScalarAsync("PRAGMA foreign_key_check"));

        await using (var db = Context())
        {
            await db.GetService<IMigrator>().MigrateAsync(Before, TestContext.Current.CancellationToken);
        }

        Assert.Equal([Text(lead), Text(organisation), Text(contact), Text(company)], await RowAsync("""SELECT "Id", "OrganisationId", "ContactId", "CompanyId" FROM "Leads" """));
        Assert.Null(await ScalarAsync("PRAGMA foreign_key_check"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static string Text(Guid id) => id.ToString().ToUpperInvariant();

    private SqliteLeadgateDbContext Context() =>
        new(new DbContextOptionsBuilder<SqliteLeadgateDbContext>().UseSqlite($"Data Source={_file}").Options);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private async Task<object[]> RowAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return values;
    }
}
