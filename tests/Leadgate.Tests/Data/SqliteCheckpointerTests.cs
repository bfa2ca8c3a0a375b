using System.Text;
using Leadgate.Tests.Infrastructure;
using Leadgate.Web.Background;
using Microsoft.Data.Sqlite;

namespace Leadgate.Tests.Data;

/// <summary>
/// The running app copies SQLite's write-ahead log into the database file by itself, off the requests' path, and flushes
/// the file after each pass that copied pages.
/// </summary>
public sealed class SqliteCheckpointerTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task ACommittedRow_ReachesTheDatabaseFile_WithoutAnyWriterCheckpointing()
    {
        var tenant = await app.NewTenantAsync();
        var marker = "checkpointed-" + Guid.NewGuid().ToString("N");
        // A few pages of writes: far below the writers' own checkpoint (10,000 pages), and the pool keeps every connection
        // open, so without the background checkpoint the row would stay in the log.
        await tenant.Marketing.NewLeadAsync(company: marker);

        var file = new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        var wanted = Encoding.UTF8.GetBytes(marker);
        var found = false;
        for (var attempt = 0; attempt < 50 && !found; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);
            found = copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(wanted) >= 0;
        }

        Assert.True(found, "The lead's row did not reach the database file within 5 s.");
    }

    [Theory]
    [InlineData(0, 0, 120, 120, true)] // the first pass that copied
    [InlineData(120, 120, 180, 180, true)] // more of the same log
    [InlineData(180, 120, 240, 180, true)] // more of it, though not all
    [InlineData(240, 240, 240, 240, false)] // nothing new since
    [InlineData(240, 240, 30, 30, true)] // the log started again and some of the new one was copied
    [InlineData(300, 120, 150, 120, true)] // the log started again (a writer copied the rest), as many copied as before
    [InlineData(240, 240, 30, 0, false)] // the log started again, nothing of it copied yet
    [InlineData(0, 0, 0, 0, false)] // an empty log
    public void APass_FlushesTheFile_OnlyWhenItCopiedPages(long logBefore, long copiedBefore, long log, long copied, bool flushes) =>
        Assert.Equal(flushes, new CheckpointPass(log, copied).CopiedSince(new CheckpointPass(logBefore, copiedBefore)));
}
