using System.Data.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace Leadgate.Scoring;

/// <summary>
/// The two writes of event ingestion that happen for every event, in hand-written SQL through the context's own connection
/// and transaction: EF would send each row as a freshly prepared statement with change tracking around it
/// (docs/performance.md, P1). Each statement is prepared once per batch and only re-bound per row; parameters are made
/// by the EF model's own type mappings, so the stored values are exactly those EF would write. The same SQL runs on
/// SQLite and PostgreSQL.
/// </summary>
internal sealed class EventWrites : IAsyncDisposable
{
    private const string InsertSql =
        """
        INSERT INTO "BehaviourEvents" ("Id", "OrganisationId", "LeadId", "ExternalId", "Type", "OccurredAt", "Properties", "ReceivedAt", "BodyHash")
        VALUES (@id, @organisation, @lead, @externalId, @type, @occurredAt, @properties, @receivedAt, @bodyHash)
        ON CONFLICT ("OrganisationId", "ExternalId") DO NOTHING
        """;

    private const string UpdateSql =
        """
        UPDATE "Leads" SET "FitScore" = @fit, "EngagementScore" = @engagement, "ScoredAt" = @at, "Version" = "Version" + 1
        WHERE "Id" = @id AND "Version" = @version
        """;

    private readonly Statement _insert;
    private readonly Statement _update;

    private EventWrites(LeadgateDbContext db, DbTransaction transaction)
    {
        var connection = db.Database.GetDbConnection();
        var prepare = db.Provider == DatabaseProvider.Sqlite;
        var events = db.Model.FindEntityType(typeof(BehaviourEvent))!;
        var leads = db.Model.FindEntityType(typeof(Lead))!;
        _insert = new Statement(connection, transaction, InsertSql, prepare,
        [
            ("@id", events, nameof(BehaviourEvent.Id)), ("@organisation", events, nameof(BehaviourEvent.OrganisationId)),
            ("@lead", events, nameof(BehaviourEvent.LeadId)), ("@externalId", events, nameof(BehaviourEvent.ExternalId)),
            ("@type", events, nameof(BehaviourEvent.Type)), ("@occurredAt", events, nameof(BehaviourEvent.OccurredAt)),
            ("@properties", events, nameof(BehaviourEvent.Properties)), ("@receivedAt", events, nameof(BehaviourEvent.ReceivedAt)),
            ("@bodyHash", events, nameof(BehaviourEvent.BodyHash)),
        ]);
        _update = new Statement(connection, transaction, UpdateSql, prepare,
        [
            ("@fit", leads, nameof(Lead.FitScore)), ("@engagement", leads, nameof(Lead.EngagementScore)), ("@at", leads, nameof(Lead.ScoredAt)),
            ("@id", leads, nameof(Lead.Id)), ("@version", leads, nameof(Lead.Version)),
        ]);
    }

    /// <summary>The writes of the context's current transaction (which must be open).</summary>
    public static EventWrites Of(LeadgateDbContext db) =>
        new(db, db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Event writes run inside a transaction."));

    /// <summary>Stores the event unless its external id is already stored; false when it was (another writer came first).</summary>
    public async Task<bool> InsertAsync(BehaviourEvent e, CancellationToken cancellationToken) =>
        await _insert.ExecuteAsync([e.Id, e.OrganisationId, e.LeadId, e.ExternalId, e.Type, e.OccurredAt, e.Properties, e.ReceivedAt, e.BodyHash], cancellationToken) == 1;

    /// <summary>Keeps a lead's new scores and raises its version, if it is still at the version read; false when it is not.</summary>
    public async Task<bool> UpdateScoresAsync(Guid leadId, long version, decimal? fit, decimal engagement, DateTimeOffset at, CancellationToken cancellationToken) =>
        await _update.ExecuteAsync([fit, engagement, at, leadId, version], cancellationToken) == 1;

    /// <summary>A write lost to another writer at the same moment (a unique key, a deadlock, a busy database): redo the batch.</summary>
    public static bool IsRace(Exception exception) => exception switch
    {
        DbUpdateException => true,
        InvalidOperationException { InnerException: DbUpdateException } => true,
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6 or 19, // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CONSTRAINT
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _update.DisposeAsync();
    }

    private sealed class Statement : IAsyncDisposable
    {
        private readonly DbCommand _command;
        private readonly (DbParameter Parameter, ValueConverter? Converter)[] _parameters;
        private readonly bool _prepare;

        public Statement(DbConnection connection, DbTransaction transaction, string sql, bool prepare, (string Name, IEntityType Entity, string Property)[] columns)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
#pragma warning disable CA2100 // The SQL is one of the constants above, never made of input.
            _command.CommandText = sql;
#pragma warning restore CA2100
            _parameters = Parameters(_command, columns);
            _prepare = prepare;
        }

        private bool _prepared;

        public async Task<int> ExecuteAsync(object?[] values, CancellationToken cancellationToken)
        {
            for (var i = 0; i < _parameters.Length; i++)
            {
                var (parameter, converter) = _parameters[i];
                parameter.Value = values[i] is { } value ? converter?.ConvertToProvider(value) ?? value : DBNull.Value;
            }

            if (_prepare && !_prepared)
            {
                await _command.PrepareAsync(cancellationToken);
                _prepared = true;
            }

            return await _command.ExecuteNonQueryAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();

        /// <summary>
        /// Made once by the EF model's type mappings (which set the provider type: GUIDs and times as SQLite text, enums as
        /// names, scores as floating point); each row then only sets the values, converted as EF would.
        /// </summary>
        private static (DbParameter, ValueConverter?)[] Parameters(DbCommand command, (string Name, IEntityType Entity, string Property)[] all)
        {
            var made = new (DbParameter, ValueConverter?)[all.Length];
            for (var i = 0; i < all.Length; i++)
            {
                var property = all[i].Entity.FindProperty(all[i].Property)!;
                var mapping = property.GetRelationalTypeMapping();
                var parameter = mapping.CreateParameter(command, all[i].Name, null, property.IsNullable);
                command.Parameters.Add(parameter);
                made[i] = (parameter, mapping.Converter);
            }

            return made;
        }
    }
}
