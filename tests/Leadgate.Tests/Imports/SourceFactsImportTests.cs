using System.Globalization;
using Leadgate.Data;
using Leadgate.Imports;
using Leadgate.Leads;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Imports;

/// <summary>
/// Decision 0007: the source system's stage and creation date are kept on the lead as facts, replaced by a later row's
/// non-empty values, and never make the lead an Mql or write a stage event.
/// </summary>
public abstract class SourceFactsImportTests(TestApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AHubSpotExport_KeepsEachLeadsLifecycleStageAndCreateDate()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.HubSpot(600, seed: 5);

        var outcome = await ImportAsync(tenant, file.Name, file.Open());

        Assert.Equal(0, outcome.Job.Bad);
        var leads = await LeadsAsync(tenant);
        Assert.Equal(file.DistinctEmails, leads.Count);
        foreach (var row in Rows(file, email: 3, stage: 12, created: 13))
        {
            var lead = leads[row.Email];
            var expected = DateTimeOffset.ParseExact(row.Created, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.Equal((row.Stage, expected), (lead.SourceStage, lead.SourceCreatedAt!.Value));
            Assert.Equal(TimeSpan.Zero, lead.SourceCreatedAt!.Value.Offset);
        }
    }

    [Fact]
    public async Task ASalesforceExport_KeepsEachLeadsStatusAndCreatedDate_WithOrWithoutATime()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.Salesforce(600, seed: 9);

        var outcome = await ImportAsync(tenant, file.Name, file.Open());

        Assert.Equal(0, outcome.Job.Bad);
        var leads = await LeadsAsync(tenant);
        var rows = Rows(file, email: 5, stage: 12, created: 13);
        Assert.Contains(rows, r => r.Created.EndsWith('M'));
        Assert.Contains(rows, r => !r.Created.Contains(' ', StringComparison.Ordinal));
        foreach (var row in rows)
        {
            var lead = leads[row.Email];
            var expected = DateTimeOffset.ParseExact(row.Created, ["M/d/yyyy h:mm tt", "M/d/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.Equal((row.Stage, expected), (lead.SourceStage, lead.SourceCreatedAt!.Value));
        }

        Assert.Equal(
            ["Closed - Converted", "Closed - Not Converted", "Open - Not Contacted", "Working - Contacted"],
            leads.Values.Select(l => l.SourceStage).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("2025-03-07", "2025-03-07T00:00:00.0000000+00:00")]
    [InlineData("2025-03-07T14:05", "2025-03-07T14:05:00.0000000+00:00")]
    [InlineData("2025-03-07T14:05:09Z", "2025-03-07T14:05:09.0000000+00:00")]
    [InlineData("2025-03-07T14:05:09.250+02:00", "2025-03-07T12:05:09.2500000+00:00")]
    [InlineData("2025-03-07 14:05", "2025-03-07T14:05:00.0000000+00:00")]
    [InlineData(" 3/7/2025 ", "2025-03-07T00:00:00.0000000+00:00")]
    [InlineData("3/7/2025 2:05 PM", "2025-03-07T14:05:00.0000000+00:00")]
    [InlineData("12/31/2024 12:00 AM", "2024-12-31T00:00:00.0000000+00:00")]
    public async Task EveryExportDateFormat_IsReadAsUtc(string written, string expected)
    {
        var tenant = await app.NewTenantAsync();
        var csv = $"Email,Lead Status,Created Date\r\nformat@acme.example.com,Open,\"{written}\"\r\n";

        var outcome = await ImportAsync(tenant, "dates.csv", Stream(csv));

        Assert.Equal((1L, 0L), (outcome.Job.Imported, outcome.Job.Bad));
        var lead = (await LeadsAsync(tenant))["format@acme.example.com"];
        Assert.Equal(expected, lead.SourceCreatedAt!.Value.ToString("O", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AnUnreadableDate_MakesTheRowBad_WithLineColumnAndReason_WhileTheGoodRowsImport()
    {
        var tenant = await app.NewTenantAsync();
        var tooLong = new string('s', 101);
        var csv = $"""
            Email,Job Title,Lifecycle Stage,Create Date
            good@acme.example.com,CTO,lead,2025-01-10 10:00
            european@acme.example.com,CTO,lead,31-01-2025
            month13@acme.example.com,CTO,lead,2025-13-01 10:00
            words@acme.example.com,CTO,lead,yesterday
            long.stage@acme.example.com,CTO,{tooLong},2025-01-10 10:00
            no.date@acme.example.com,CTO,subscriber,
            """;

        var outcome = await ImportAsync(tenant, "bad-dates.csv", Stream(csv));

        Assert.Equal((6L, 2L, 4L), (outcome.Job.RowsRead, outcome.Job.Imported, outcome.Job.Bad));
        const string NotADate = "Not a date: use ISO 8601 (2025-01-31, 2025-01-31T14:05:00Z), yyyy-MM-dd HH:mm, M/d/yyyy or M/d/yyyy h:mm tt.";
        Assert.Equal(
            [
                (3L, "Create Date", NotADate),
                (4L, "Create Date", NotADate),
                (5L, "Create Date", NotADate),
                (6L, "Lifecycle Stage", "At most 100 characters."),
            ],
            outcome.Job.Problems.Select(p => (p.Line, p.Column, p.Reason)));
        var leads = await LeadsAsync(tenant);
        Assert.Equal(["good@acme.example.com", "no.date@acme.example.com"], leads.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("subscriber", (DateTimeOffset?)null), (leads["no.date@acme.example.com"].SourceStage, leads["no.date@acme.example.com"].SourceCreatedAt));
    }

    [Fact]
    public async Task AnUnreadableDate_RefusesAnAllOrNothingImport()
    {
        var tenant = await app.NewTenantAsync();
        var csv = "Email,Lead Status,Created Date\r\none@acme.example.com,Open,1/10/2025\r\ntwo@acme.example.com,Open,10.01.2025\r\n";

        var outcome = await ImportAsync(tenant, "refused.csv", Stream(csv), allOrNothing: true);

        Assert.Equal((ImportStatus.Refused, 3L, "Created Date"), (outcome.Job.Status, outcome.Job.Problems.Single().Line, outcome.Job.Problems.Single().Column));
        Assert.Empty(await LeadsAsync(tenant));
    }

    [Fact]
    public async Task ReImporting_ReplacesTheFactsWithTheRowsNonEmptyValues_AndAnEqualRowChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        const string Header = "Email,Job Title,Lifecycle Stage,Create Date\r\n";
        await ImportAsync(tenant, "first.csv", Stream(Header + "anna@acme.example.com,CTO,lead,2024-05-01 09:30\r\n"));
        var first = (await LeadsAsync(tenant))["anna@acme.example.com"];

        var stageOnly = await ImportAsync(tenant, "second.csv", Stream(Header + "anna@acme.example.com,CTO,  Opportunity ,\r\n"));
        var second = (await LeadsAsync(tenant))["anna@acme.example.com"];
        var dateOnly = await ImportAsync(tenant, "third.csv", Stream(Header + "anna@acme.example.com,CTO,,2023-11-20\r\n"));
        var third = (await LeadsAsync(tenant))["anna@acme.example.com"];
        var same = await ImportAsync(tenant, "fourth.csv", Stream(Header + "anna@acme.example.com,CTO,Opportunity,2023-11-20T00:00:00Z\r\n"));
        var fourth = (await LeadsAsync(tenant))["anna@acme.example.com"];

        Assert.Equal(("lead", new DateTimeOffset(2024, 5, 1, 9, 30, 0, TimeSpan.Zero)), (first.SourceStage, first.SourceCreatedAt!.Value));
        Assert.Equal((1L, "Opportunity", first.SourceCreatedAt), (stageOnly.Job.Updated, second.SourceStage, second.SourceCreatedAt));
        Assert.True(second.Version > first.Version);
        Assert.Equal((1L, "Opportunity", new DateTimeOffset(2023, 11, 20, 0, 0, 0, TimeSpan.Zero)), (dateOnly.Job.Updated, third.SourceStage, third.SourceCreatedAt!.Value));
        Assert.Equal((0L, 1L), (same.Job.Updated, same.Job.Unchanged));
        Assert.Equal((third.Version, third.UpdatedAt), (fourth.Version, fourth.UpdatedAt));
    }

    [Fact]
    public async Task AnImportedMarketingQualifiedLead_StaysIql_WithOnlyItsCreatedEvent_AndNoHandover()
    {
        var tenant = await app.NewTenantAsync();
        var csv = "Email,Job Title,Lifecycle Stage,Create Date\r\n"
            + "mql@acme.example.com,CTO,marketingqualifiedlead,2024-02-01 08:00\r\n"
            + "sql@acme.example.com,CTO,salesqualifiedlead,2024-02-01 08:00\r\n"
            + "customer@acme.example.com,CTO,customer,2024-02-01 08:00\r\n";

        await ImportAsync(tenant, "stages.csv", Stream(csv));
        await ImportAsync(tenant, "again.csv", Stream(csv.Replace("2024-02-01", "2024-02-02", StringComparison.Ordinal)));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var org = tenant.OrganisationId;
        var leads = await db.Leads.Where(l => l.OrganisationId == org).Select(l => new { l.Stage, l.HighestStage, l.MqlAt, l.OwnerId, l.SourceStage }).ToListAsync(Cancel);
        Assert.Equal(3, leads.Count);
        Assert.All(leads, l => Assert.Equal((Stage.Iql, Stage.Iql, (DateTimeOffset?)null, (Guid?)null), (l.Stage, l.HighestStage, l.MqlAt, l.OwnerId)));
        var events = await db.StageEvents.Where(e => e.OrganisationId == org).Select(e => new { e.From, e.To, e.Reason }).ToListAsync(Cancel);
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(((Stage?)null, Stage.Iql, "created"), (e.From, e.To, e.Reason)));
        Assert.Equal(0, await db.Handovers.CountAsync(h => h.OrganisationId == org, Cancel));
    }

    [Fact]
    public async Task AMappingFile_FillsTheFactsFromItsStageAndCreatedAtColumns()
    {
        var tenant = await app.NewTenantAsync();
        var csv = "E-mail;Fase;Aangemaakt\r\njan@voorbeeld.nl;Klant;2022-09-15T10:00:00+02:00\r\n";
        var mapping = """{ "E-mail": "email", "Fase": "stage", "Aangemaakt": "createdAt" }""";

        var outcome = await TryImportAsync(tenant, "nl.csv", Stream(csv), mapping);

        Assert.Equal(("Custom", 1L), (outcome.Value.Job.Format, outcome.Value.Job.Imported));
        var lead = (await LeadsAsync(tenant))["jan@voorbeeld.nl"];
        Assert.Equal(("Klant", new DateTimeOffset(2022, 9, 15, 8, 0, 0, TimeSpan.Zero)), (lead.SourceStage, lead.SourceCreatedAt!.Value));
    }

    /// <summary>The first row of each person in a generated export (later rows repeat the same values).</summary>
    private static List<(string Email, string Stage, string Created)> Rows(ExportFile file, int email, int stage, int created)
    {
        var rows = new List<(string, string, string)>();
        var reader = new CsvReader(new StringReader(file.Csv));
        reader.Read();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() is { } record)
        {
            if (seen.Add(record.Fields[email]))
            {
                rows.Add((record.Fields[email], record.Fields[stage], record.Fields[created]));
            }
        }

        return rows;
    }

    private static MemoryStream Stream(string csv) => Importing.Csv(csv);

    private async Task<Dictionary<string, Lead>> LeadsAsync(Tenant tenant)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        return await db.Leads.AsNoTracking().Include(l => l.Contact)
            .Where(l => l.OrganisationId == tenant.OrganisationId)
            .ToDictionaryAsync(l => l.Contact.Email, StringComparer.Ordinal, Cancel);
    }

    private async Task<ImportOutcome> ImportAsync(Tenant tenant, string name, Stream content, bool allOrNothing = false)
    {
        var result = await TryImportAsync(tenant, name, content, null, allOrNothing);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value;
    }

    private Task<Leadgate.Common.Result<ImportOutcome>> TryImportAsync(Tenant tenant, string name, Stream content, string? mapping, bool allOrNothing = false) =>
        app.TryImportAsync(tenant, name, content, mapping, allOrNothing, batchSize: 250, progress: null, Cancel);
}

public sealed class SourceFactsImportTests_Sqlite(SqliteApp app) : SourceFactsImportTests(app), IClassFixture<SqliteApp>;

public sealed class SourceFactsImportTests_Postgres(PostgresApp app) : SourceFactsImportTests(app), IClassFixture<PostgresApp>;
