using Leadgate.Data;
using Leadgate.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Leadgate.Tests.Data;

/// <summary>Issue 16's migration puts the deals of a database written before pipelines into the default pipeline, each in the stage its story reached.</summary>
public sealed class PipelineMigrationTests : IDisposable
{
    private const string Before = "20261123043020_BinaryGuids";

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"leadgate-migration-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task DealsOpenedBeforePipelines_AreMigratedIntoTheDefaultPipeline_InTheStageTheirStatusAndProposalSay()
    {
        var organisation = Guid.CreateVersion7();
        await using (var db = Context())
        {
            await db.GetService<IMigrator>().MigrateAsync(Before, TestContext.Current.CancellationToken);
        }

        var sql = $"""INSERT INTO "Organisations" ("Id", "Slug", "Name", "DefaultCurrency", "TimeZone", "CreatedAt") VALUES ({Hex(organisation)}, 'acme', 'Acme', 'EUR', 'Europe/Amsterdam', 0);""";
        var deals = new[] { ("Open", "NULL"), ("Open", "'9000.00'"), ("Won", "'9000.00'"), ("Lost", "NULL") }.Select(d => (Id: Guid.CreateVersion7(), d.Item1, d.Item2)).ToList();
        foreach (var (deal, status, proposal) in deals)
        {
            var (contact, lead) = (Guid.CreateVersion7(), Guid.CreateVersion7());
            sql += $"""
                INSERT INTO "Contacts" ("Id", "OrganisationId", "Email") VALUES ({Hex(contact)}, {Hex(organisation)}, '{deal:N}@acme.example');
                INSERT INTO "Leads" ("Id", "OrganisationId", "ContactId", "Stage", "HighestStage", "WorkStatus", "CreatedAt", "UpdatedAt", "StageChangedAt", "SearchText", "Version", "EngagementScore",
                    "Bant_Authority_Status", "Bant_Budget_Status", "Bant_Need_Status", "Bant_Timeline_Status")
                VALUES ({Hex(lead)}, {Hex(organisation)}, {Hex(contact)}, 'Sql', 'Sql', 'New', 0, 0, 0, 'x', 1, 0, 'Unknown', 'Unknown', 'Unknown', 'Unknown');
                INSERT INTO "Deals" ("Id", "OrganisationId", "LeadId", "Title", "Value", "Currency", "ExpectedCloseDate", "ProposalAmount", "Status", "CreatedAt", "UpdatedAt", "Version")
                VALUES ({Hex(deal)}, {Hex(organisation)}, {Hex(lead)}, 'Acme', '10000.00', 'EUR', '2031-01-01', {proposal}, '{status}', 0, 0, 1);
                """;
        }

        await ExecuteAsync(sql);

        await using (var db = Context())
        {
            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
            var pipeline = await db.Pipelines.Include(p => p.Stages).SingleAsync(p => p.OrganisationId == organisation, TestContext.Current.CancellationToken);
            Assert.Equal(
                SalesPipeline.CreateDefault(organisation, DateTimeOffset.UtcNow).Stages.Select(s => (s.Name, s.Position, s.Probability, s.ForecastCategory, s.StaleAfterDays, s.Meaning, s.Requires)),
                pipeline.Stages.OrderBy(s => s.Position).Select(s => (s.Name, s.Position, s.Probability, s.ForecastCategory, s.StaleAfterDays, s.Meaning, s.Requires)));
            var placed = await db.Deals.AsNoTracking().Where(d => d.OrganisationId == organisation).ToListAsync(TestContext.Current.CancellationToken);
            var stageOf = pipeline.Stages.ToDictionary(s => s.Id);
            Assert.Equal(
                [("Qualified", 20), ("Proposal", 50), ("Won", 100), ("Lost", 0)],
                deals.Select(d => placed.Single(p => p.Id == d.Id)).Select(d => (stageOf[d.StageId!.Value].Name, d.Probability)));
            Assert.All(placed, d => Assert.Equal(pipeline.Id, d.PipelineId));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static string Hex(Guid id) => $"X'{Convert.ToHexString(SqliteGuids.ToBytes(id))}'";

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
}
