using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Leadgate.Data;

/// <summary>
/// The import's hot path: new entities that the change tracker never sees, written straight to their table. EF tracks and
/// snapshots every added entity and, on SQLite, sends one freshly prepared command per row; that capped an import at a few
/// thousand rows a second. Here the columns, value conversions and parameter types come from the EF model, so a row is
/// exactly what SaveChanges would have written, but the values are read with EF's compiled getters and sent through one
/// statement per table (one prepared row bound by position, row after row, on SQLite; multi-row inserts with parameters
/// on PostgreSQL). It joins the context's current transaction, if there is one.
/// </summary>
internal static class BulkInsert
{
    /// <summary>PostgreSQL allows 65,535 parameters a statement; this stays well below and keeps statements reusable.</summary>
    private const int MaxParametersPerStatement = 30_000;

    private static readonly ConcurrentDictionary<IEntityType, Table> Tables = new();

    public static async Task InsertAsync<T>(LeadgateDbContext db, IReadOnlyCollection<T> entities, CancellationToken cancellationToken)
        where T : class
    {
        if (entities.Count == 0)
        {
            return;
        }

        var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        await InsertAsync(db, type, entities, cancellationToken);
    }

    /// <summary>
    /// Writes the entities the change tracker holds as Added, parents before children, and marks them Unchanged, so that
    /// SaveChanges is left with the updates. For the rows a domain method added beside a change (stage events,
    /// happenings, handovers): EF would prepare and send each of them as its own statement. Types with shadow properties
    /// stay with EF.
    /// </summary>
    public static async Task InsertAddedAsync(LeadgateDbContext db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.DetectChanges();
        var pending = db.ChangeTracker.Entries()
            .Where(e => e.State == EntityState.Added && !e.Metadata.GetProperties().Any(p => p.IsShadowProperty()))
            .GroupBy(e => e.Metadata)
            .ToDictionary(g => g.Key, g => g.ToList());
        while (pending.Count > 0)
        {
            // A type whose added rows point at no other pending type's rows goes first.
            var (type, entries) = pending.FirstOrDefault(p => !p.Key.GetForeignKeys().Any(fk => fk.PrincipalEntityType != p.Key && pending.ContainsKey(fk.PrincipalEntityType)));
            if (type is null)
            {
                return; // a cycle between added types: EF's SaveChanges orders those itself
            }

            pending.Remove(type);
            if (entries.Any(e => e.Metadata.GetForeignKeys().Any(fk => fk.PrincipalEntityType == type)))
            {
                continue; // rows pointing at rows of their own type: left to EF, which orders them
            }

            await InsertAsync(db, type, entries.ConvertAll(e => e.Entity), cancellationToken);
            foreach (var entry in entries)
            {
                entry.State = EntityState.Unchanged;
            }
        }
    }

    private static async Task InsertAsync<T>(LeadgateDbContext db, IEntityType type, IReadOnlyCollection<T> entities, CancellationToken cancellationToken)
        where T : class
    {
        var table = Tables.GetOrAdd(type, Table.Of);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            if (connection is SqliteConnection sqlite)
            {
                cancellationToken.ThrowIfCancellationRequested();
                InsertWithSqlite(sqlite, table, entities);
            }
            else
            {
                await InsertManyRowsAsync(connection, transaction, table, entities, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// SQLite: ADO.NET binds every parameter by name (a search through the statement's names, and a UTF-8 copy of the name)
    /// on every execution, which costs more than the insert itself. Here one single-row statement is prepared on the
    /// connection's own handle, so it joins the open transaction, and values are bound by position, row after row.
    /// One row a statement, not many: inside a transaction SQLite keeps a statement journal for a statement that writes
    /// several rows and may fail midway, a copy of every page the statement changes, written to a temporary file. With 50
    /// rows a statement that was 3.9 GB of writes for a 300,000-row import that wrote 1.3 GB otherwise, and 13% of its
    /// time (docs/performance.md, P5).
    /// </summary>
    private static void InsertWithSqlite<T>(SqliteConnection connection, Table table, IReadOnlyCollection<T> entities)
        where T : class
    {
        var handle = connection.Handle!;
        using var statement = Prepare(handle, table.Insert(1));
        foreach (var entity in entities)
        {
            Step(statement, handle, table, entity);
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 handle, string sql)
    {
        Check(raw.sqlite3_prepare_v2(handle, sql, out var statement), handle);
        return statement;
    }

    /// <summary>Binds the row's values by position, runs the statement once and resets it for the next row.</summary>
    private static void Step<T>(sqlite3_stmt statement, sqlite3 handle, Table table, T entity)
        where T : class
    {
        try
        {
            var index = 1;
            foreach (var column in table.Columns)
            {
                Bind(statement, index++, column.ValueOf(entity));
            }

            var done = raw.sqlite3_step(statement);
            if (done != raw.SQLITE_DONE)
            {
                Check(done, handle);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>
    /// Binds as EF's SQLite mapping stores the values (GUIDs as 16 bytes, <see cref="SqliteGuids"/>), without allocating:
    /// a GUID's bytes are written on the stack and text is handed over as UTF-16 for SQLite to convert (SQLitePCL's string
    /// overload copies every value to a new UTF-8 array first, which made the collector work for each bound value).
    /// </summary>
    private static void Bind(sqlite3_stmt statement, int index, object? value)
    {
        var rc = value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            string text => raw.sqlite3_bind_text16(statement, index, text.AsSpan()),
            Guid guid => BindGuid(statement, index, guid),
            long number => raw.sqlite3_bind_int64(statement, index, number),
            int number => raw.sqlite3_bind_int64(statement, index, number),
            bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            double real => raw.sqlite3_bind_double(statement, index, real),
            decimal amount => raw.sqlite3_bind_text(statement, index, amount.ToString("0.0###########################", CultureInfo.InvariantCulture)),
            DateOnly date => raw.sqlite3_bind_text(statement, index, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            DateTime time => raw.sqlite3_bind_text(statement, index, time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
            _ => throw new NotSupportedException($"Bulk inserts do not bind {value.GetType().Name} values on SQLite."),
        };
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"Binding parameter {index} failed with SQLite code {rc}.");
        }
    }

    private static int BindGuid(sqlite3_stmt statement, int index, Guid guid)
    {
        Span<byte> key = stackalloc byte[SqliteGuids.Size];
        SqliteGuids.Write(guid, key);
        return raw.sqlite3_bind_blob(statement, index, key);
    }

    private static void Check(int rc, sqlite3 handle) => SqliteException.ThrowExceptionForRC(rc, handle);

    /// <summary>PostgreSQL: as many rows per statement as the parameter limit allows, so a batch is a few round trips.</summary>
    private static async Task InsertManyRowsAsync<T>(DbConnection connection, DbTransaction? transaction, Table table, IReadOnlyCollection<T> entities, CancellationToken cancellationToken)
        where T : class
    {
        var rowsPerStatement = Math.Max(1, MaxParametersPerStatement / table.Columns.Count);
        foreach (var chunk in entities.Chunk(rowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = table.Insert(chunk.Length);
            var n = 0;
            foreach (var entity in chunk)
            {
                foreach (var column in table.Columns)
                {
                    command.Parameters.Add(column.Mapping.CreateParameter(command, "@p" + n++, column.Getter.GetClrValueUsingContainingEntity(entity), column.Property.IsNullable));
                }
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, string Name)
    {
        /// <summary>
        /// The value as the provider stores it (enums as names, times as ticks on SQLite). A GUID is left as it is: its
        /// bytes are written on the stack when it is bound, the model's conversion (<see cref="SqliteGuids"/>) would allocate.
        /// </summary>
        public object? ValueOf(object entity)
        {
            var value = Getter.GetClrValueUsingContainingEntity(entity);
            return value is null or Guid || Mapping.Converter is null ? value : Mapping.Converter.ConvertToProvider(value);
        }
    }

    private sealed record Table(string Name, IReadOnlyList<Column> Columns)
    {
        public static Table Of(IEntityType type)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var properties = new List<IProperty>();
            Collect(type.GetProperties(), type.GetComplexProperties(), properties);
            if (properties.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
            {
                throw new InvalidOperationException($"{type.DisplayName()}.{shadow.Name} is a shadow property: bulk inserts read CLR properties only.");
            }

            return new Table(table.Name, [.. properties.Select(p => new Column(p, p.GetRelationalTypeMapping(), p.GetGetter(), p.GetColumnName(table)!))]);
        }

        private readonly ConcurrentDictionary<int, string> _inserts = new();

        /// <summary>The INSERT of so many rows; made once per size.</summary>
        public string Insert(int rows) => _inserts.GetOrAdd(rows, MakeInsert);

        private string MakeInsert(int rows)
        {
            var columns = string.Join(", ", Columns.Select(c => $"\"{c.Name}\""));
            var values = Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", Columns.Select((_, i) => "@p" + (r * Columns.Count + i))) + ")");
            return $"INSERT INTO \"{Name}\" ({columns}) VALUES {string.Join(", ", values)}";
        }

        private static void Collect(IEnumerable<IProperty> properties, IEnumerable<IComplexProperty> complex, List<IProperty> into)
        {
            into.AddRange(properties);
            foreach (var property in complex)
            {
                Collect(property.ComplexType.GetProperties(), property.ComplexType.GetComplexProperties(), into);
            }
        }
    }
}
