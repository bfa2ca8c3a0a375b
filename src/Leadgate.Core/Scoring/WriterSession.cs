using Leadgate.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Scoring;

/// <summary>
/// What the event writer keeps from one group to the next: a scope with its <see cref="RecordEvents"/> and context, and on
/// SQLite its own connection (docs/performance.md, P2).
/// <list type="bullet">
/// <item>A new context per group cost about 0.4 ms before its first query: EF resolves its internal services for every
/// new context. The writer's context is cleared after each group instead.</item>
/// <item>SQLite drops a connection's page cache whenever another connection wrote since its last transaction, so a writer
/// that took any pooled connection re-read its indexes from the file on nearly every group. On one connection, which does
/// almost all the writing, the cache stays valid; it is also bigger than SQLite's default 2 MB, so the lead, contact and
/// event indexes that ingestion touches stay in it. (SQLite walks a bigger cache at every commit; measured against the
/// default, the 64 MB cache came out even on CPU and slightly ahead on P2's p99: docs/performance.md.)</item>
/// </list>
/// After a failure everything is given up and the next group starts afresh. On PostgreSQL each transaction takes a pooled
/// connection as usual.
/// </summary>
internal sealed class WriterSession(IServiceScopeFactory scopes) : IAsyncDisposable
{
    /// <summary>In KiB, as SQLite's negative cache_size takes it: 64 MB, as an import's connection has.</summary>
    private const int CacheKibibytes = 65_536;

    private AsyncServiceScope? _scope;
    private SqliteConnection? _connection;
    private LeadgateDbContext? _db;
    private RecordEvents? _recorder;

    /// <summary>The writer's use case, set up on first use or after a failure.</summary>
    public async Task<RecordEvents> RecorderAsync(CancellationToken cancellationToken)
    {
        if (_recorder is not null)
        {
            return _recorder;
        }

        var scope = scopes.CreateAsyncScope();
        _scope = scope;
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        _db = db;
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            var connection = new SqliteConnection(db.Database.GetConnectionString());
            _connection = connection;
            await connection.OpenAsync(cancellationToken);
            DataServices.SqlitePragmas.Apply(connection);
            await using (var cache = connection.CreateCommand())
            {
                cache.CommandText = $"PRAGMA cache_size=-{CacheKibibytes};";
                await cache.ExecuteNonQueryAsync(cancellationToken);
            }

            // Open already, so the context neither opens nor closes it; the context does not own it.
            db.Database.SetDbConnection(connection, contextOwnsConnection: false);
        }

        _recorder = scope.ServiceProvider.GetRequiredService<RecordEvents>();
        return _recorder;
    }

    /// <summary>After a group: nothing it read or wrote stays tracked.</summary>
    public void Done() => _db?.ChangeTracker.Clear();

    /// <summary>Gives everything up (after a failure, or at the end): the next group starts afresh.</summary>
    public async Task ResetAsync()
    {
        _recorder = null;
        _db = null;
        if (_scope is { } scope)
        {
            _scope = null;
            await scope.DisposeAsync();
        }

        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await ResetAsync();
}
