using Leadgate.Scoring;
using Leadgate.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Leadgate.Tests.Data;

/// <summary>
/// The indexes on leads and the reads that rely on them (SQLite's plans). The owner and source-stage indexes are partial:
/// they hold only the leads that have a value, so the many new leads without one cost no entry, and the reads that look
/// for a value still find them through the index. The hot reads of ingestion and rescoring find each item by its key
/// and never walk the organisation's part of an index.
/// </summary>
public sealed class LeadIndexTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    public static TheoryData<string, string> Reads => new()
    {
        // A rep's leads (the list's owner filter, the inbox's "mine").
        { "IX_Leads_OrganisationId_OwnerId", """SELECT COUNT(*) FROM "Leads" WHERE "OrganisationId" = $org AND "OwnerId" = $user""" },
        // Routing counts each rep's open MQLs.
        { "IX_Leads_OrganisationId_OwnerId", """SELECT "OwnerId", COUNT(*) FROM "Leads" WHERE "OrganisationId" = $org AND "Stage" = 'Mql' AND "OwnerId" IS NOT NULL GROUP BY "OwnerId" """ },
        // Deleting a user sets their leads' owner to null (the foreign key's action).
        { "IX_Leads_OwnerId", """UPDATE "Leads" SET "OwnerId" = NULL WHERE "OwnerId" = $user""" },
        // The source stages offered by the list's filter: the loose index scan's first and next steps (ListSourceStages).
        { "IX_Leads_OrganisationId_SourceStage", """SELECT MIN("SourceStage") FROM "Leads" WHERE "OrganisationId" = $org AND "SourceStage" IS NOT NULL""" },
        { "IX_Leads_OrganisationId_SourceStage", """SELECT MIN(l."SourceStage") FROM "Leads" l WHERE l."OrganisationId" = $org AND l."SourceStage" > $value""" },
        // The list filtered by source stage.
        { "IX_Leads_OrganisationId_SourceStage", """SELECT "Id" FROM "Leads" WHERE "OrganisationId" = $org AND "SourceStage" IN ($value, 'Lead')""" },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task AReadThatLooksForAValue_UsesThePartialIndex(string index, string sql)
    {
        var plan = await PlanAsync(sql, ("$org", Guid.NewGuid().ToString().ToUpperInvariant()), ("$user", Guid.NewGuid().ToString().ToUpperInvariant()), ("$value", "lead"));
        Assert.Contains(plan, step => step.Contains($"INDEX {index} ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("IX_Leads_OwnerId", "OwnerId")]
    [InlineData("IX_Leads_OrganisationId_OwnerId", "OwnerId")]
    [InlineData("IX_Leads_OrganisationId_SourceStage", "SourceStage")]
    public async Task TheIndex_HoldsOnlyLeadsWithAValue(string index, string column)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $name";
        command.Parameters.AddWithValue("$name", index);
        var sql = (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(sql);
        Assert.EndsWith($"WHERE \"{column}\" IS NOT NULL", sql, StringComparison.Ordinal);
    }

    private static readonly string[] Parameters = ["@org", "@items", "@ids", "@size", "@afterCreatedAt", "@afterId"];

    public static TheoryData<string, string> HotReads => new()
    {
        { "ingestion's leads by id", EventReads.LeadsSql(sqlite: true, byEmail: false) },
        { "ingestion's leads by e-mail", EventReads.LeadsSql(sqlite: true, byEmail: true) },
        { "a rescore or sweep chunk after the first", ScoreChunks.Next },
    };

    [Theory]
    [MemberData(nameof(HotReads))]
    public async Task AHotRead_FindsItsLeadsByKey_WithoutWalkingTheOrganisation(string read, string sql)
    {
        var plan = await PlanAsync(sql, [.. Parameters.Where(n => sql.Contains(n, StringComparison.Ordinal)).Select(n => (n, n == "@items" ? "[]" : "1"))]);

        // A step bounded by the organisation alone reads every lead of it (what the (OrganisationId, Id) index's removal
        // caused for the read by id until the list drove the join); a SCAN of anything but the list reads a whole table.
        Assert.DoesNotContain(plan, step => step.EndsWith("(OrganisationId=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains("json_each", StringComparison.Ordinal) && !step.StartsWith("SCAN l", StringComparison.Ordinal));
        Assert.True(plan.Count > 0, read);
    }

    [Fact]
    public async Task ALeadsEventsAsScoringReadsThem_ComeFromTheIndexAlone()
    {
        foreach (var sql in new[] { EventReads.EventsSql(sqlite: true), ScoreChunks.Next })
        {
            var plan = await PlanAsync(sql, [.. Parameters.Where(n => sql.Contains(n, StringComparison.Ordinal)).Select(n => (n, n == "@ids" ? "[]" : "1"))]);
            Assert.Contains(plan, step => step.Contains("USING COVERING INDEX IX_BehaviourEvents_LeadId_OccurredAt_Type (LeadId=?)", StringComparison.Ordinal));
        }
    }

    /// <summary>The steps of SQLite's plan for <paramref name="sql"/> on the app's migrated database.</summary>
    private async Task<List<string>> PlanAsync(string sql, params (string Name, string Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        await app.NewTenantAsync(); // the app has started and migrated its database
        var connection = new SqliteConnection(app.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}
