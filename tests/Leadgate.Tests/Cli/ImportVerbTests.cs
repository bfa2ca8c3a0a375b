using Leadgate.Data;
using Leadgate.Tests.Imports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Cli;

/// <summary><c>leadgate import leads</c> end to end, as a script runs it: output, row report, exit codes, what it wrote.</summary>
public sealed class ImportVerbTests(SqliteCliDatabase database) : IClassFixture<SqliteCliDatabase>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("leadgate-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> NewOrganisationAsync()
    {
        var slug = "i-" + Guid.NewGuid().ToString("N")[..10];
        (await database.RunAsync("orgs", "add", "--slug", slug, "--name", "Import test")).Succeeded();
        return slug;
    }

    [Fact]
    public async Task ImportLeads_AHubSpotExport_PrintsTheSummary_AndTheSameFileAgainChangesNothing()
    {
        var slug = await NewOrganisationAsync();
        var file = ExportFiles.HubSpot(2_000).WriteTo(_folder);

        var first = (await database.RunAsync("import", "leads", file, "--org", slug)).Succeeded();
        var again = (await database.RunAsync("import", "leads", file, "--org", slug)).Succeeded();

        var expected = ExportFiles.HubSpot(2_000);
        Assert.Contains($"HubSpot file '{expected.Name}': 2000 rows read, {expected.DistinctEmails} imported, 0 updated, {2_000 - expected.DistinctEmails} unchanged, 0 bad", first.Output, StringComparison.Ordinal);
        Assert.Empty(first.Error);
        Assert.Contains("This file was imported before", again.Output, StringComparison.Ordinal);
        Assert.Contains("nothing changed", again.Output, StringComparison.Ordinal);
        Assert.Equal(expected.DistinctEmails, await LeadCountAsync(slug));
    }

    [Fact]
    public async Task ImportLeads_WithBadRows_ImportsTheGoodOnes_AndWritesTheRowReport()
    {
        var slug = await NewOrganisationAsync();
        var file = Path.Combine(_folder, "contacts.csv");
        await File.WriteAllTextAsync(file, "Email,First Name,Lead Source,No. of Employees\nok@acme.example.com,Ok,Web,10\nbroken,Bad,Web,10\nalso-ok@acme.example.com,Ok,Web,ten\n", TestContext.Current.CancellationToken);
        var report = Path.Combine(_folder, "report.csv");

        var toStderr = (await database.RunAsync("import", "leads", file, "--org", slug)).Succeeded();
        await File.AppendAllTextAsync(file, "third@acme.example.com,Third,Web,3\n", TestContext.Current.CancellationToken);
        var toFile = (await database.RunAsync("import", "leads", file, "--org", slug, "--report", report)).Succeeded();

        Assert.Contains("3 rows read, 1 imported, 0 updated, 0 unchanged, 2 bad", toStderr.Output, StringComparison.Ordinal);
        Assert.Equal(["line 3, Email: This is not a valid e-mail address.", "line 4, No. of Employees: Not a whole number."], toStderr.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("4 rows read, 1 imported, 0 updated, 1 unchanged, 2 bad", toFile.Output, StringComparison.Ordinal);
        Assert.Equal(["line,column,reason", "3,\"Email\",\"This is not a valid e-mail address.\"", "4,\"No. of Employees\",\"Not a whole number.\""], await File.ReadAllLinesAsync(report, TestContext.Current.CancellationToken));
        Assert.Equal(2, await LeadCountAsync(slug));
    }

    [Fact]
    public async Task ImportLeads_AllOrNothing_WithABadRow_ExitsWith4_AndImportsNothing()
    {
        var slug = await NewOrganisationAsync();
        var file = Path.Combine(_folder, "one-bad.csv");
        await File.WriteAllTextAsync(file, "Email,First Name,Company\nok@acme.example.com,Ok,Acme\nbroken,Bad,Acme\n", TestContext.Current.CancellationToken);

        var run = await database.RunAsync("import", "leads", file, "--org", slug, "--all-or-nothing");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("line 3, Email: This is not a valid e-mail address.", run.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported: 1 of 2 rows are bad", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, await LeadCountAsync(slug));
    }

    [Fact]
    public async Task ImportLeads_UnknownColumns_ExitWith2_ListingThem_AndAMappingFileImportsThem()
    {
        var slug = await NewOrganisationAsync();
        var file = Path.Combine(_folder, "eigen.csv");
        await File.WriteAllTextAsync(file, "Mail;Naam\njan@voorbeeld.nl;Jan\n", TestContext.Current.CancellationToken);
        var mapping = Path.Combine(_folder, "mapping.json");
        await File.WriteAllTextAsync(mapping, """{ "Mail": "email", "Naam": "firstName" }""", TestContext.Current.CancellationToken);

        var refused = await database.RunAsync("import", "leads", file, "--org", slug);
        var mapped = (await database.RunAsync("import", "leads", file, "--org", slug, "--mapping", mapping)).Succeeded();

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Columns found: \"Mail\", \"Naam\".", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Custom file 'eigen.csv': 1 rows read, 1 imported", mapped.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportLeads_APlainDutchCsv_ImportsWithoutAMapping_TurningALineBreakInAJobTitleIntoASpace()
    {
        var slug = await NewOrganisationAsync();
        var file = Path.Combine(_folder, "gewoon.csv");
        await File.WriteAllTextAsync(file, "E-mailadres;Voornaam;Achternaam;Bedrijf;Functie;Telefoon\r\njan@voorbeeld.nl;Jan;Jansen;Voorbeeld BV;\"Hoofd\r\nVerkoop\";+31 20 123 4567\r\n", TestContext.Current.CancellationToken);

        var run = (await database.RunAsync("import", "leads", file, "--org", slug)).Succeeded();

        Assert.Contains("Plain file 'gewoon.csv': 1 rows read, 1 imported", run.Output, StringComparison.Ordinal);
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var organisationId = await db.Organisations.Where(o => o.Slug == slug).Select(o => o.Id).SingleAsync(TestContext.Current.CancellationToken);
        var lead = await db.Leads.Where(l => l.OrganisationId == organisationId).Select(l => new { l.Contact.JobTitle, l.Contact.LastName, l.Contact.Phone }).SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("Hoofd Verkoop", "Jansen", "+31 20 123 4567"), (lead.JobTitle, lead.LastName, lead.Phone));
    }

    [Fact]
    public async Task ImportLeads_AMissingFileOrOrganisation_IsInvalidInputOrNotFound()
    {
        var slug = await NewOrganisationAsync();
        await NewOrganisationAsync();

        var noFile = await database.RunAsync("import", "leads", Path.Combine(_folder, "nope.csv"), "--org", slug);
        var noOrganisation = await database.RunAsync("import", "leads", ExportFiles.Salesforce(10).WriteTo(_folder), "--org", "no-such-org");
        var several = await database.RunAsync("import", "leads", ExportFiles.Salesforce(10).WriteTo(_folder));

        Assert.Equal((2, 3, 2), (noFile.ExitCode, noOrganisation.ExitCode, several.ExitCode));
        Assert.StartsWith("FILE: There is no file", noFile.Error, StringComparison.Ordinal);
        Assert.Contains("org: There are several organisations; name one with --org", several.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportLeads_WithoutOrg_UsesTheOnlyOrganisation()
    {
        var single = new SqliteCliDatabase();
        await single.InitializeAsync();
        try
        {
            (await single.RunAsync("orgs", "add", "--slug", "solo", "--name", "Solo")).Succeeded();

            var run = (await single.RunAsync("import", "leads", ExportFiles.Salesforce(300).WriteTo(_folder))).Succeeded();

            Assert.Contains("Salesforce file 'salesforce-leads-300.csv': 300 rows read", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            await single.DisposeAsync();
        }
    }

    private async Task<int> LeadCountAsync(string slug)
    {
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var organisationId = await db.Organisations.Where(o => o.Slug == slug).Select(o => o.Id).SingleAsync(TestContext.Current.CancellationToken);
        return await db.Leads.CountAsync(l => l.OrganisationId == organisationId, TestContext.Current.CancellationToken);
    }
}
