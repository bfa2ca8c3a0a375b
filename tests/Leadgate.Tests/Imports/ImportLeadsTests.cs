using System.Text;
using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Imports;
using Leadgate.Leads;
using Leadgate.Scoring;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Imports;

/// <summary>CSV import against a real database: recognised exports, the row report, all-or-nothing, resuming, repeating.</summary>
public abstract class ImportLeadsTests(TestApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HubSpotContactsExport_ImportsWithoutAMapping_OneLeadPerEmail_OneCompanyPerDomain()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.HubSpot(3_000);

        var outcome = await ImportAsync(tenant, file.Name, file.Open());

        var job = outcome.Job;
        Assert.Equal(("HubSpot", ImportStatus.Completed), (job.Format, job.Status));
        Assert.Equal(3_000, job.RowsRead);
        Assert.Equal(0, job.Bad);
        Assert.Equal(file.DistinctEmails, job.Imported);
        Assert.Equal(file.Rows - file.DistinctEmails, job.Updated + job.Unchanged);
        var counts = await CountsAsync(tenant);
        Assert.Equal(file.DistinctEmails, counts.Leads);
        Assert.Equal(file.DistinctBusinessDomains, counts.CompaniesWithDomain);
        Assert.Equal(counts.Leads, counts.StageEvents);
    }

    [Fact]
    public async Task SalesforceLeadsExport_ImportsWithoutAMapping_AtIql_ByTheImportActor_Scored()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.Salesforce(2_500);

        var outcome = await ImportAsync(tenant, file.Name, file.Open());

        Assert.Equal(("Salesforce", ImportStatus.Completed, 0L), (outcome.Job.Format, outcome.Job.Status, outcome.Job.Bad));
        Assert.Equal(file.DistinctEmails, outcome.Job.Imported);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var stages = await db.Leads.Where(l => l.OrganisationId == tenant.OrganisationId).Select(l => l.Stage).Distinct().ToListAsync(Cancel);
        Assert.Equal([Stage.Iql], stages);
        var actors = await db.StageEvents.Where(e => e.OrganisationId == tenant.OrganisationId).Select(e => new { e.ActorKind, e.ActorName }).Distinct().ToListAsync(Cancel);
        Assert.Equal([new { ActorKind = ActorKind.Import, ActorName = "import" }], actors);
        Assert.Equal(0, await db.Leads.CountAsync(l => l.OrganisationId == tenant.OrganisationId && l.ScoredAt == null, Cancel));
        var sample = await db.Leads.Include(l => l.Company).FirstAsync(l => l.OrganisationId == tenant.OrganisationId && l.Company!.Country != null && l.Company.Employees > 999, Cancel);
        Assert.Matches("^[A-Z]{2}$", sample.Company!.Country!);
    }

    [Fact]
    public async Task BadRows_AreReportedWithLineColumnAndReason_WhileTheGoodRowsImport()
    {
        var tenant = await app.NewTenantAsync();
        var longName = new string('x', 101);
        var csv = $""""
            Email,First Name,Last Name,Number of Employees,Country/Region,Company Name,Notes
            good.one@acme.example.com,Anna,de Vries,120,Netherlands,Acme,
            not-an-email,Bram,Jansen,5,NL,Acme,
            good.two@acme.example.com,"Robert'); DROP TABLE ""Leads""; --",=HYPERLINK("x"),10,Germany,Acme,
            wrong.number@acme.example.com,Chloé,Dubois,twelve,FR,Acme,
            too.long@acme.example.com,{longName},Smith,1,US,Acme,
            nowhere@acme.example.com,Daan,Bakker,1,Atlantis,Acme,
            extra@acme.example.com,Emma,Visser,1,NL,Acme,,surplus
            good.three@beta.example.com,Greta,Smit,,,Beta,"Met at the fair,
            wants a ""demo"""
            unclosed@acme.example.com,"Finn,Smit,1,NL,Acme,

            """";

        var outcome = await ImportAsync(tenant, "bad-rows.csv", Stream(csv));

        var job = outcome.Job;
        Assert.Equal((9L, 3L, 6L), (job.RowsRead, job.Imported, job.Bad));
        Assert.Equal(
            [
                (3L, "Email", "This is not a valid e-mail address.", "email.invalid", ""),
                (5L, "Number of Employees", "Not a whole number.", "number.notWhole", ""),
                (6L, "First Name", "At most 100 characters.", "field.tooLong", "100"),
                (7L, "Country/Region", "Not a known country name or ISO 3166 code.", "country.unknown", ""),
                (8L, "(row)", "The row has 8 fields; the header has 7.", "row.moreFieldsThanHeader", "8,7"),
                (11L, "(row)", "A quoted field is not closed before the end of the file.", "csv.quoteNotClosed", ""),
            ],
            job.Problems.Select(p => (p.Line, p.Column, p.Reason, p.Code, string.Join(',', p.Arguments))));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var injected = await db.Contacts.SingleAsync(c => c.OrganisationId == tenant.OrganisationId && c.Email == "good.two@acme.example.com", Cancel);
        Assert.Equal(("Robert'); DROP TABLE \"Leads\"; --", "=HYPERLINK(\"x\")"), (injected.FirstName, injected.LastName));
        var afterTheLineBreak = await db.Contacts.SingleAsync(c => c.OrganisationId == tenant.OrganisationId && c.Email == "good.three@beta.example.com", Cancel);
        Assert.Equal("Greta", afterTheLineBreak.FirstName);
    }

    [Fact]
    public async Task AllOrNothing_WithOneBadRow_WritesNoLead_AndReportsTheRow()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.HubSpot(1_200);
        var lines = file.Csv.Split("\r\n").ToList();
        lines[700] = lines[700].Replace("@", " at ", StringComparison.Ordinal);

        var outcome = await ImportAsync(tenant, "one-bad.csv", Stream(string.Join("\r\n", lines)), allOrNothing: true, batchSize: 100);

        Assert.Equal((ImportStatus.Refused, 1L, 0L), (outcome.Job.Status, outcome.Job.Bad, outcome.Job.Imported));
        Assert.Equal((701L, "Email"), (outcome.Job.Problems.Single().Line, outcome.Job.Problems.Single().Column));
        Assert.Equal(0, (await CountsAsync(tenant)).Leads);
    }

    [Fact]
    public async Task AllOrNothing_WithGoodRows_ImportsThemAll()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.Salesforce(900);

        var outcome = await ImportAsync(tenant, file.Name, file.Open(), allOrNothing: true, batchSize: 250);

        Assert.Equal((ImportStatus.Completed, (long)file.DistinctEmails), (outcome.Job.Status, outcome.Job.Imported));
        Assert.Equal(file.DistinctEmails, (await CountsAsync(tenant)).Leads);
    }

    /// <summary>
    /// Batches of 500, committed one at a time or two at a time: the stop undoes the batch in its uncommitted transaction,
    /// keeps the committed ones (with the job's row count), and the next run does the rest.
    /// </summary>
    [Theory]
    [InlineData(500, 2)]
    [InlineData(1_000, 3)]
    public async Task StoppedMidway_ThenRunAgain_FinishesWithNoDuplicateAndNoMissingRow(int commitRows, int stopAfterBatches)
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.HubSpot(3_000, seed: 11);
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var batches = 0;
        var stop = new Progress(_ =>
        {
            if (++batches == stopAfterBatches)
            {
                crash.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ImportAsync(tenant, file.Name, file.Open(), batchSize: 500, progress: stop, cancellationToken: crash.Token, commitRows: commitRows));
        var halfway = await CountsAsync(tenant);
        var stopped = await JobAsync(tenant);
        var resumed = await ImportAsync(tenant, file.Name, file.Open(), batchSize: 500, commitRows: commitRows);

        Assert.Equal((1_000L, stopped.Imported), (stopped.RowsRead, (long)halfway.Leads));
        Assert.InRange(halfway.Leads, 1, file.DistinctEmails - 1);
        Assert.True(resumed.Resumed);
        Assert.Equal((3_000L, (long)file.DistinctEmails, ImportStatus.Completed), (resumed.Job.RowsRead, resumed.Job.Imported, resumed.Job.Status));
        var after = await CountsAsync(tenant);
        Assert.Equal(file.DistinctEmails, after.Leads);
        Assert.Equal(after.Leads, after.StageEvents);
        Assert.Equal(file.DistinctBusinessDomains, after.CompaniesWithDomain);
    }

    [Fact]
    public async Task ImportedLeads_StoreTheScoresTheirBreakdownExplains()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.HubSpot(600, seed: 21);
        await ImportAsync(tenant, file.Name, file.Open(), batchSize: 250);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var model = await db.ScoringModelOfAsync(tenant.OrganisationId, Cancel);
        var leads = await db.Leads.AsNoTracking().Include(l => l.Contact).Include(l => l.Company).Where(l => l.OrganisationId == tenant.OrganisationId).ToListAsync(Cancel);
        Assert.Equal(file.DistinctEmails, leads.Count);
        Assert.True(leads.Select(l => l.FitScore).Distinct().Count() > 1, "the fixture gives different fits");
        Assert.All(leads, lead =>
        {
            var breakdown = ScoreBreakdown.Of(model, LeadScoring.FactsOf(lead), [], lead.ScoredAt!.Value);
            Assert.Equal((breakdown.FitScore, breakdown.EngagementScore, Stage.Iql), (lead.FitScore, lead.EngagementScore, lead.Stage));
        });
    }

    [Fact]
    public async Task TheSameFileTwice_ChangesNothingTheSecondTime()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.Salesforce(1_000, seed: 3);
        var first = await ImportAsync(tenant, file.Name, file.Open());
        var before = await SnapshotAsync(tenant);

        var again = await ImportAsync(tenant, "renamed.csv", file.Open());
        var sameRowsOtherBytes = await ImportAsync(tenant, "lf.csv", Stream(file.Csv.Replace("\r\n", "\n", StringComparison.Ordinal)));

        Assert.True(again.AlreadyImported);
        Assert.Equal(first.Job.Id, again.Job.Id);
        Assert.Equal((0L, 0L, 1_000L), (sameRowsOtherBytes.Job.Imported, sameRowsOtherBytes.Job.Updated, sameRowsOtherBytes.Job.Unchanged));
        Assert.Equal(before, await SnapshotAsync(tenant));
    }

    [Fact]
    public async Task AKnownEmail_UpdatesThatLead_AndAKnownDomain_SharesTheCompany()
    {
        var tenant = await app.NewTenantAsync();
        var leadId = (await tenant.Marketing.CreateLeadAsync(new { email = "pieter@bakker-logistiek.nl", jobTitle = "Planner", company = new { name = "Bakker Logistiek", domain = "bakker-logistiek.nl" } })).Id;
        var csv = """
            Email;First Name;Title;Company;Website
            Pieter@Bakker-Logistiek.nl;Pieter;Head of Operations;Bakker Logistiek;bakker-logistiek.nl
            sanne@bakker-logistiek.nl;Sanne;CFO;Bakker Logistiek;https://www.bakker-logistiek.nl
            """;

        var outcome = await ImportAsync(tenant, "semicolons.csv", Stream(csv));

        Assert.Equal(("Salesforce", 1L, 1L), (outcome.Job.Format, outcome.Job.Imported, outcome.Job.Updated));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var leads = await db.Leads.Include(l => l.Contact).Where(l => l.OrganisationId == tenant.OrganisationId).ToListAsync(Cancel);
        Assert.Equal(2, leads.Count);
        Assert.Equal("Head of Operations", leads.Single(l => l.Id == leadId).Contact.JobTitle);
        Assert.Single(leads.Select(l => l.CompanyId).Distinct());
        Assert.Equal(1, await db.Companies.CountAsync(c => c.OrganisationId == tenant.OrganisationId, Cancel));
    }

    [Fact]
    public async Task AKnownLead_WhoseCompanyIsNotItsAddressesDomain_KeepsThatCompany_WhenARowWithoutCompanyColumnsUpdatesIt()
    {
        var tenant = await app.NewTenantAsync();
        // A free-mail address: the batch's companies are found by the rows' domains, and this lead's is not among them.
        var leadId = (await tenant.Marketing.CreateLeadAsync(new { email = "pieter.bakker@gmail.com", company = new { name = "Bakker Logistiek", domain = "bakker-logistiek.nl" } })).Id;
        var csv = """
            Email;First Name;Title;Lead Source
            pieter.bakker@gmail.com;Pieter;Planner;Trade fair
            """;

        var outcome = await ImportAsync(tenant, "no-company.csv", Stream(csv));

        Assert.Equal((0L, 1L, 0L), (outcome.Job.Imported, outcome.Job.Updated, outcome.Job.Bad));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var lead = await db.Leads.Include(l => l.Contact).Include(l => l.Company).SingleAsync(l => l.Id == leadId, Cancel);
        Assert.Equal(("Trade fair", "Planner", "bakker-logistiek.nl"), (lead.Source, lead.Contact.JobTitle, lead.Company?.Domain));
        Assert.Equal(1, await db.Companies.CountAsync(c => c.OrganisationId == tenant.OrganisationId, Cancel));
    }

    [Fact]
    public async Task ANewPersonsRow_UpdatesTheFactsOfAStoredCompany_ThatNoKnownLeadOfTheBatchBelongsTo()
    {
        var tenant = await app.NewTenantAsync();
        var colleague = (await tenant.Marketing.CreateLeadAsync(new { email = "pieter@bakker-logistiek.nl", company = new { name = "Bakker Logistiek", domain = "bakker-logistiek.nl" } })).Id;
        var csv = """
            Email,First Name,Company Name,Company Domain Name,Number of Employees,Country/Region
            sanne@bakker-logistiek.nl,Sanne,Bakker Logistiek BV,bakker-logistiek.nl,250,Netherlands
            """;

        var outcome = await ImportAsync(tenant, "company-facts.csv", Stream(csv));

        Assert.Equal((1L, 0L, 0L), (outcome.Job.Imported, outcome.Job.Updated, outcome.Job.Bad));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var company = await db.Companies.SingleAsync(c => c.OrganisationId == tenant.OrganisationId, Cancel);
        Assert.Equal(("Bakker Logistiek BV", 250, "NL"), (company.Name, company.Employees, company.Country));
        var leads = await db.Leads.Where(l => l.OrganisationId == tenant.OrganisationId).ToListAsync(Cancel);
        Assert.Equal(2, leads.Count);
        Assert.All(leads, l => Assert.Equal(company.Id, l.CompanyId));
        Assert.Contains(leads, l => l.Id == colleague);
    }

    [Fact]
    public async Task AKnownLead_MovesToACompanyTheSameBatchCreates_WhichIsStoredOnce_AndShared()
    {
        var tenant = await app.NewTenantAsync();
        var leadId = (await tenant.Marketing.CreateLeadAsync(new { email = "pieter@bakker-logistiek.nl", company = new { name = "Bakker Logistiek", domain = "bakker-logistiek.nl" } })).Id;
        // The known lead's row names a company the organisation does not have yet; the new lead's row after it names the same.
        var csv = """
            Email;First Name;Company;Website
            pieter@bakker-logistiek.nl;Pieter;Visser Transport;visser-transport.nl
            anouk@visser-transport.nl;Anouk;Visser Transport;visser-transport.nl
            """;

        var outcome = await ImportAsync(tenant, "moved.csv", Stream(csv));

        Assert.Equal((1L, 1L, 0L), (outcome.Job.Imported, outcome.Job.Updated, outcome.Job.Bad));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var leads = await db.Leads.Include(l => l.Company).Where(l => l.OrganisationId == tenant.OrganisationId).ToListAsync(Cancel);
        Assert.Equal(["visser-transport.nl"], leads.Select(l => l.Company!.Domain).Distinct());
        Assert.Single(leads.Select(l => l.CompanyId).Distinct());
        Assert.Equal("Visser Transport", leads.Single(l => l.Id == leadId).Company!.Name);
        Assert.Equal(1, await db.Companies.CountAsync(c => c.OrganisationId == tenant.OrganisationId && c.Domain == "visser-transport.nl", Cancel));
    }

    [Fact]
    public async Task AnImportedLead_ReadsBackAsOneCreatedThroughTheApi_AndTakesAnUpdateWithItsETag()
    {
        var tenant = await app.NewTenantAsync();
        var company = new { name = "Bakker Logistiek", domain = "bakker-logistiek.nl", industry = "Logistics", employees = 250, country = "NL" };
        var created = (await tenant.Marketing.CreateLeadAsync(new { email = "api@bakker-logistiek.nl", firstName = "Anna", lastName = "de Vries", jobTitle = "CFO", phone = "+31 20 123 4567", source = "Website", campaign = "Spring", company })).Expect(System.Net.HttpStatusCode.Created);
        var csv = "Email,First Name,Last Name,Job Title,Phone Number,Company Name,Company Domain Name,Industry,Number of Employees,Country/Region,Original Source,Original Source Drill-Down 1\r\n"
            + "csv@bakker-logistiek.nl,Anna,de Vries,CFO,+31 20 123 4567,Bakker Logistiek,bakker-logistiek.nl,Logistics,250,Netherlands,Website,Spring\r\n";

        await ImportAsync(tenant, "one.csv", Stream(csv));

        Guid importedId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var contactId = await db.Contacts.Where(c => c.OrganisationId == tenant.OrganisationId && c.Email == "csv@bakker-logistiek.nl").Select(c => c.Id).SingleAsync(Cancel);
            importedId = await db.Leads.Where(l => l.ContactId == contactId).Select(l => l.Id).SingleAsync(Cancel);
        }

        var imported = (await tenant.Marketing.GetLeadAsync(importedId)).Expect(System.Net.HttpStatusCode.OK);
        var viaApi = (await tenant.Marketing.GetLeadAsync(created.Id)).Expect(System.Net.HttpStatusCode.OK);
        string Comparable(ApiResponse lead)
        {
            var body = lead.Body!.AsObject().DeepClone().AsObject();
            foreach (var varying in new[] { "id", "email", "createdAt", "updatedAt", "stageChangedAt", "scoredAt", "history", "timeline", "scoreBreakdown", "lawfulBasis" })
            {
                body.Remove(varying);
            }

            return body.ToJsonString();
        }

        Assert.Equal(Comparable(viaApi), Comparable(imported));
        // The basis is the same; where it was recorded from is each path's own.
        Assert.Equal(("LegitimateInterest", "Import"), ((string?)imported.Body!["lawfulBasis"]!["basis"], (string?)imported.Body!["lawfulBasis"]!["source"]));
        Assert.Equal(created.ETag, imported.ETag);
        var patched = (await tenant.Marketing.PatchLeadAsync(importedId, new { jobTitle = "CEO" }, imported.ETag)).Expect(System.Net.HttpStatusCode.OK);
        Assert.Equal("CEO", patched.Str("jobTitle"));
        (await tenant.Marketing.PatchLeadAsync(importedId, new { jobTitle = "COO" }, imported.ETag)).Expect(System.Net.HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task UnknownColumns_WithoutAMapping_AreRefusedListingTheColumns_AndAMappingFileImportsThem()
    {
        var tenant = await app.NewTenantAsync();
        var csv = "Mail,Naam,Firma\r\njan@voorbeeld.nl,Jan,Voorbeeld BV\r\n";

        var refused = await TryImportAsync(tenant, "nl.csv", Stream(csv), mapping: null);
        var badMapping = await TryImportAsync(tenant, "nl.csv", Stream(csv), mapping: """{ "Mail": "mail" }""");
        var mapped = await TryImportAsync(tenant, "nl.csv", Stream(csv), mapping: """{ "Mail": "email", "Naam": "firstName", "Firma": "companyName" }""");

        var invalid = Assert.IsType<Leadgate.Common.Invalid>(refused.Error);
        Assert.Contains("Columns found: \"Mail\", \"Naam\", \"Firma\".", invalid.Errors["header"][0], StringComparison.Ordinal);
        Assert.Contains("unknown field \"mail\"", Assert.IsType<Leadgate.Common.Invalid>(badMapping.Error).Errors["mapping"][0], StringComparison.Ordinal);
        Assert.Equal(("Custom", 1L), (mapped.Value.Job.Format, mapped.Value.Job.Imported));
        Assert.Equal(1, (await CountsAsync(tenant)).Leads);
    }

    [Fact]
    public async Task ASalesUser_MayNotImport()
    {
        var tenant = await app.NewTenantAsync();
        var sales = tenant.Members["sales"];
        await using var scope = app.Services.CreateAsyncScope();
        var actor = Actor.ForUser(tenant.OrganisationId, sales.Id, "Sales", [Roles.Sales], Channel.Api);

        var result = await scope.ServiceProvider.GetRequiredService<ImportLeads>().HandleAsync(new ImportLeadsRequest("x.csv", Stream("Email\r\na@b.example.com\r\n")), actor, null, Cancel);

        Assert.IsType<Leadgate.Common.Forbidden>(result.Error);
        Assert.Equal(0, (await CountsAsync(tenant)).Leads);
    }

    private static MemoryStream Stream(string csv) => Importing.Csv(csv);

    private async Task<ImportOutcome> ImportAsync(
        Tenant tenant, string name, Stream content, bool allOrNothing = false, int batchSize = 1_000, IProgress<ImportProgress>? progress = null, CancellationToken? cancellationToken = null, int? commitRows = null)
    {
        var result = await TryImportAsync(tenant, name, content, null, allOrNothing, batchSize, progress, cancellationToken, commitRows);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value;
    }

    private Task<Leadgate.Common.Result<ImportOutcome>> TryImportAsync(
        Tenant tenant, string name, Stream content, string? mapping, bool allOrNothing = false, int batchSize = 1_000, IProgress<ImportProgress>? progress = null, CancellationToken? cancellationToken = null, int? commitRows = null) =>
        app.TryImportAsync(tenant, name, content, mapping, allOrNothing, batchSize, progress, cancellationToken ?? Cancel, commitRows);

    private async Task<(int Leads, int Contacts, int CompaniesWithDomain, int StageEvents)> CountsAsync(Tenant tenant)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var org = tenant.OrganisationId;
        return (
            await db.Leads.CountAsync(l => l.OrganisationId == org, Cancel),
            await db.Contacts.CountAsync(c => c.OrganisationId == org, Cancel),
            await db.Companies.CountAsync(c => c.OrganisationId == org && c.Domain != null, Cancel),
            await db.StageEvents.CountAsync(e => e.OrganisationId == org, Cancel));
    }

    private async Task<ImportJob> JobAsync(Tenant tenant)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        return await db.ImportJobs.AsNoTracking().SingleAsync(j => j.OrganisationId == tenant.OrganisationId, Cancel);
    }

    /// <summary>Everything an import could change, as one comparable string.</summary>
    private async Task<string> SnapshotAsync(Tenant tenant)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var org = tenant.OrganisationId;
        var leads = await db.Leads.AsNoTracking().Include(l => l.Contact).Include(l => l.Company).Where(l => l.OrganisationId == org).ToListAsync(Cancel);
        var events = await db.StageEvents.CountAsync(e => e.OrganisationId == org, Cancel);
        var companies = await db.Companies.CountAsync(c => c.OrganisationId == org, Cancel);
        return $"{events} events, {companies} companies; " + string.Join('\n', leads.OrderBy(l => l.Id).Select(l =>
            $"{l.Id} v{l.Version} {l.UpdatedAt:O} {l.Contact.Email} {l.Contact.FirstName} {l.Contact.JobTitle} {l.Company?.Name} {l.Company?.Employees} {l.Company?.Country} {l.Source} {l.SourceStage} {l.SourceCreatedAt:O}"));
    }

    private sealed class Progress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}

public sealed class ImportLeadsTests_Sqlite(SqliteApp app) : ImportLeadsTests(app), IClassFixture<SqliteApp>;

public sealed class ImportLeadsTests_Postgres(PostgresApp app) : ImportLeadsTests(app), IClassFixture<PostgresApp>;
