using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace Leadgate.Scoring;

/// <summary>A lead's new score columns, written only if it is still at the version its events were read with.</summary>
internal sealed record ScoreUpdate(Guid LeadId, long Version, decimal? Fit, decimal Engagement, DateTimeOffset At);

/// <summary>
/// The two writes of event ingestion that happen for every event, through the context's own connection and transaction:
/// EF would send each row as a freshly prepared statement with change tracking around it (docs/performance.md, P1). The
/// events go in as the importer's rows do (<see cref="BulkInsert"/>); the score updates are hand-written SQL whose
/// parameters are made by the EF model's own type mappings, so the stored values are exactly those EF would write. The
/// same SQL runs on both providers: on SQLite (in-process) one prepared statement is re-bound row after row; on
/// PostgreSQL, where every statement is a round trip, up to 1,000 rows go in one command.
/// </summary>
internal sealed partial class EventWrites : IAsyncDisposable
{
    private const int RowsPerCommand = 1_000;

    private readonly LeadgateDbContext _db;
    private readonly Statement _update;

    private EventWrites(LeadgateDbContext db, DbTransaction transaction)
    {
        _db = db;
        var connection = db.Database.GetDbConnection();
        var oneRowAtATime = db.Provider == DatabaseProvider.Sqlite;
        var leads = db.Model.FindEntityType(typeof(Lead))!;
        _update = new Statement(connection, transaction, oneRowAtATime,
            "",
            """UPDATE "Leads" SET "FitScore" = @fit, "EngagementScore" = @engagement, "ScoredAt" = @at, "Version" = "Version" + 1 WHERE "Id" = @id AND "Version" = @version""",
            ";\n",
            "",
            [
                ("@fit", leads, nameof(Lead.FitScore)), ("@engagement", leads, nameof(Lead.EngagementScore)), ("@at", leads, nameof(Lead.ScoredAt)),
                ("@id", leads, nameof(Lead.Id)), ("@version", leads, nameof(Lead.Version)),
            ]);
    }

    /// <summary>The writes of the context's current transaction (which must be open).</summary>
    public static EventWrites Of(LeadgateDbContext db) =>
        new(db, db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Event writes run inside a transaction."));

    /// <summary>
    /// Stores the events, each unless its external id is already stored. False when any was (another writer came first):
    /// the caller undoes the transaction and tries again. Written as the importer writes rows (<see cref="BulkInsert"/>):
    /// on SQLite bound by position, where ADO.NET looked up every parameter by its name, row after row.
    /// </summary>
    public async Task<bool> InsertAllAsync(IReadOnlyList<BehaviourEvent> events, CancellationToken cancellationToken) =>
        await BulkInsert.InsertNewAsync(_db, events, cancellationToken) == events.Count;

    /// <summary>Keeps the leads' new scores and raises their versions. False when any lead is no longer at the version read.</summary>
    public async Task<bool> UpdateAllAsync(IReadOnlyList<ScoreUpdate> updates, CancellationToken cancellationToken) =>
        await _update.ExecuteAllAsync([.. updates.Select(u => new object?[] { u.Fit, u.Engagement, u.At, u.LeadId, u.Version })], cancellationToken) == updates.Count;

    /// <summary>A write lost to another writer at the same moment (a unique key, a deadlock, a busy database): redo the batch.</summary>
    public static bool IsRace(Exception exception) => exception switch
    {
        DbUpdateException => true,
        InvalidOperationException { InnerException: DbUpdateException } => true,
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6 or 19, // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CONSTRAINT
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        _ => false,
    };

    public ValueTask DisposeAsync() => _update.DisposeAsync();

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex Placeholder();

    /// <summary>One statement, as a prefix, a row (with its <c>@name</c> placeholders), a separator between rows and a suffix.</summary>
    private sealed class Statement : IAsyncDisposable
    {
        private readonly DbConnection _connection;
        private readonly DbTransaction _transaction;
        private readonly (string Prefix, string Row, string Separator, string Suffix) _sql;
        private readonly (string Name, IProperty Property, RelationalTypeMapping Mapping)[] _columns;
        private readonly DbCommand? _single;
        private readonly (DbParameter Parameter, ValueConverter? Converter)[] _singleParameters = [];
        private bool _prepared;

        public Statement(DbConnection connection, DbTransaction transaction, bool oneRowAtATime, string prefix, string row, string separator, string suffix, (string Name, IEntityType Entity, string Property)[] columns)
        {
            _connection = connection;
            _transaction = transaction;
            _sql = (prefix, row, separator, suffix);
            _columns = [.. columns.Select(c => c.Entity.FindProperty(c.Property)!).Select((p, i) => (columns[i].Name, p, p.GetRelationalTypeMapping()))];
            if (oneRowAtATime)
            {
                // Made once by the type mappings (which set the provider type: GUIDs and times as SQLite text, enums as
                // names, scores as floating point); each row then only sets the values, converted as EF would.
                _single = Command(prefix + row + suffix);
                _singleParameters = [.. _columns.Select(c =>
                {
                    var parameter = c.Mapping.CreateParameter(_single, c.Name, null, c.Property.IsNullable);
                    _single.Parameters.Add(parameter);
                    return (parameter, c.Mapping.Converter);
                })];
            }
        }

        /// <summary>Writes the rows; answers how many rows the database changed.</summary>
        public async Task<int> ExecuteAllAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
        {
            var changed = 0;
            if (_single is { } single)
            {
                foreach (var values in rows)
                {
                    for (var i = 0; i < _singleParameters.Length; i++)
                    {
                        var (parameter, converter) = _singleParameters[i];
                        parameter.Value = values[i] is { } value ? converter?.ConvertToProvider(value) ?? value : DBNull.Value;
                    }

                    if (!_prepared)
                    {
                        await single.PrepareAsync(cancellationToken);
                        _prepared = true;
                    }

                    changed += await single.ExecuteNonQueryAsync(cancellationToken);
                }

                return changed;
            }

            foreach (var chunk in rows.Chunk(RowsPerCommand))
            {
                var sql = new StringBuilder(_sql.Prefix);
                await using var command = _connection.CreateCommand();
                for (var r = 0; r < chunk.Length; r++)
                {
                    var suffix = "_" + r.ToString(CultureInfo.InvariantCulture);
                    sql.Append(r == 0 ? "" : _sql.Separator).Append(Placeholder().Replace(_sql.Row, "@$1" + suffix));
                    for (var i = 0; i < _columns.Length; i++)
                    {
                        var (name, property, mapping) = _columns[i];
                        command.Parameters.Add(mapping.CreateParameter(command, name + suffix, chunk[r][i], property.IsNullable));
                    }
                }

                command.Transaction = _transaction;
#pragma warning disable CA2100 // Made of the constant SQL above and numbered placeholders, never of input.
                command.CommandText = sql.Append(_sql.Suffix).ToString();
#pragma warning restore CA2100
                changed += await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return changed;
        }

        public ValueTask DisposeAsync() => _single?.DisposeAsync() ?? ValueTask.CompletedTask;

        private DbCommand Command(string sql)
        {
            var command = _connection.CreateCommand();
            command.Transaction = _transaction;
#pragma warning disable CA2100 // One of the constants above, never made of input.
            command.CommandText = sql;
#pragma warning restore CA2100
            return command;
        }
    }
}
