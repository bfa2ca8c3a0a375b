using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Imports;

/// <summary>
/// Keeps the context's connection open for the whole import. On SQLite it also gives that connection a page cache big
/// enough for the indexes an import writes into (the default 2 MB makes every batch re-read and re-write the same index
/// pages), and gives the default back before the connection returns to the pool.
/// </summary>
internal sealed class ImportConnection : IAsyncDisposable
{
    /// <summary>In KiB, as SQLite's negative cache_size takes it: 64 MB, within P5's 500 MB for the whole process.</summary>
    private const int SqliteCacheKibibytes = 65_536;

    private const int SqliteDefaultCacheKibibytes = 2_000;

    private readonly LeadgateDbContext _db;

    private ImportConnection(LeadgateDbContext db) => _db = db;

    public static async Task<ImportConnection> OpenAsync(LeadgateDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync($"PRAGMA cache_size=-{SqliteCacheKibibytes};", cancellationToken);
        }

        return new ImportConnection(db);
    }

    public async ValueTask DisposeAsync()
    {
        if (_db.Provider == DatabaseProvider.Sqlite)
        {
            await _db.Database.ExecuteSqlRawAsync($"PRAGMA cache_size=-{SqliteDefaultCacheKibibytes};");
        }

        await _db.Database.CloseConnectionAsync();
    }
}
