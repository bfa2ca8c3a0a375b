using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Imports;
using Leadgate.Tests.Infrastructure;
using Leadgate.Web.Background;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Leadgate.Tests.Imports;

/// <summary>
/// The import page's background runs: an upload is stored under its hash, previewed, imported through <see cref="ImportLeads"/>
/// in the background and its file removed when done; a stopped import is continued from the stored file.
/// </summary>
public abstract class ImportRunnerTests(TestApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUpload_IsPreviewed_ImportedInTheBackground_AndItsFileRemovedWhenDone()
    {
        var tenant = await app.NewTenantAsync();
        var runner = app.Services.GetRequiredService<ImportRunner>();
        var marketing = Marketing(tenant);
        var csv = "First Name,Email,Job Title\r\nAda,ada@engines.example.com,CTO\r\nBad,not-an-address,CEO\r\n";

        var stored = (await runner.StoreAsync(marketing, " leads.csv", Stream(csv), null, Cancel)).Value;
        var (columns, mapping) = runner.Preview(tenant.OrganisationId, stored.ContentHash, null);
        var run = runner.Start(marketing, stored.FileName, stored.ContentHash, null, allOrNothing: false).Value;
        await FinishedAsync(run);

        Assert.Equal(("leads.csv", (long)Encoding.UTF8.GetByteCount(csv)), (stored.FileName, stored.Bytes));
        Assert.Equal(["First Name", "Email", "Job Title"], columns);
        Assert.Equal(("HubSpot", ImportField.Email), (mapping.Value.Format, mapping.Value.Columns[1]));
        Assert.Null(run.Error);
        var job = run.Outcome!.Job;
        Assert.Equal((ImportStatus.Completed, 1L, 1L), (job.Status, job.Imported, job.Bad));
        Assert.Equal([(3L, "Email")], job.Problems.Select(p => (p.Line, p.Column)));
        Assert.False(runner.IsStored(tenant.OrganisationId, stored.ContentHash));
        var listed = await app.Services.GetRequiredService<ListImports>().HandleAsync(marketing, 10, Cancel);
        Assert.Equal(job.Id, Assert.Single(listed).Id);
    }

    [Fact]
    public async Task AStoppedImport_IsContinuedFromTheStoredFile_WithNoDuplicateAndNoMissingRow()
    {
        var tenant = await app.NewTenantAsync();
        var runner = app.Services.GetRequiredService<ImportRunner>();
        var marketing = Marketing(tenant);
        var file = ExportFiles.HubSpot(1_500, seed: 5);
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var import = scope.ServiceProvider.GetRequiredService<ImportLeads>();
            import.BatchSize = 500;
            import.CommitRows = 500;
            var stopAfterOneBatch = new SynchronousProgress(_ => crash.Cancel());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => import.HandleAsync(new ImportLeadsRequest(file.Name, file.Open()), marketing, stopAfterOneBatch, crash.Token));
        }

        var stored = (await runner.StoreAsync(marketing, file.Name, file.Open(), null, Cancel)).Value;
        var run = runner.Start(marketing, stored.FileName, stored.ContentHash, null, allOrNothing: false).Value;
        await FinishedAsync(run);

        Assert.Null(run.Error);
        Assert.True(run.Outcome!.Resumed);
        Assert.Equal((1_500L, (long)file.DistinctEmails, ImportStatus.Completed), (run.Outcome.Job.RowsRead, run.Outcome.Job.Imported, run.Outcome.Job.Status));
        await using var check = app.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        Assert.Equal(file.DistinctEmails, await db.Leads.CountAsync(l => l.OrganisationId == tenant.OrganisationId, Cancel));
        Assert.Equal(1, await db.ImportJobs.CountAsync(j => j.OrganisationId == tenant.OrganisationId, Cancel));
    }

    [Fact]
    public async Task AnUploadOverTheLimit_IsRefusedNamingTheFile_AndNothingIsKept()
    {
        var tenant = await app.NewTenantAsync();
        var folder = Path.Combine(Path.GetTempPath(), "leadgate-uploads-" + Guid.NewGuid().ToString("N")[..12]);
        var runner = ActivatorUtilities.CreateInstance<ImportRunner>(app.Services, Options.Create(new ImportOptions { Folder = folder, MaxUploadMegabytes = 1 }));
        var big = new MemoryStream(new byte[(1024 * 1024) + 1]);

        var refused = await runner.StoreAsync(Marketing(tenant), "big.csv", big, null, Cancel);

        var invalid = Assert.IsType<Invalid>(refused.Error);
        Assert.Contains("1 MB", Assert.Single(invalid.Errors["file"]), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task SalesAndManagers_CannotUploadOrStartImports()
    {
        var tenant = await app.NewTenantAsync();
        var runner = app.Services.GetRequiredService<ImportRunner>();
        var sales = Actor.ForUser(tenant.OrganisationId, tenant.Members["sales"].Id, "Sales", [Roles.Sales], Channel.Ui);

        var upload = await runner.StoreAsync(sales, "x.csv", Stream("Email\r\na@b.example.com\r\n"), null, Cancel);
        var start = runner.Start(sales, "x.csv", new string('a', 64), null, false);

        Assert.IsType<Forbidden>(upload.Error);
        Assert.IsType<Forbidden>(start.Error);
    }

    private static Actor Marketing(Tenant tenant) =>
        Actor.ForUser(tenant.OrganisationId, tenant.Members["marketing"].Id, "Marketing", [Roles.Marketing], Channel.Ui);

    private static MemoryStream Stream(string csv) => new(Encoding.UTF8.GetBytes(csv));

    private static async Task FinishedAsync(ImportRun run)
    {
        for (var waited = 0; !run.Finished; waited += 50)
        {
            Assert.True(waited < 60_000, "The background import did not finish within a minute.");
            await Task.Delay(50, Cancel);
        }
    }

    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}

public sealed class ImportRunnerTests_Sqlite(SqliteApp app) : ImportRunnerTests(app), IClassFixture<SqliteApp>;

public sealed class ImportRunnerTests_Postgres(PostgresApp app) : ImportRunnerTests(app), IClassFixture<PostgresApp>;
