using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SQLitePCL;

namespace Leadgate.Data;

/// <summary>
/// The import's hot path: new entities that the change tracker never sees, written straight to their table. EF tracks and
/// snapshots every added entity and, on SQLite, sends one freshly prepared command per row; that capped an import at a few
/// thousand rows a second. Here the columns, value conversions and parameter types come from the EF model, so a row is
/// exactly what SaveChanges would have written, sent through one statement per table (one prepared row bound by position,
/// row after row, on SQLite; multi-row inserts with parameters on PostgreSQL). It joins the context's current transaction,
/// if there is one.
/// </summary>
internal static class BulkInsert
{
    /// <summary>PostgreSQL allows 65,535 parameters a statement; this stays well below and keeps statements reusable.</summary>
    private const int MaxParametersPerStatement = 30_000;

    private static readonly ConcurrentDictionary<IEntityType, Table> Tables = new();

    public static Task InsertAsync<T>(LeadgateDbContext db, IReadOnlyCollection<T> entities, CancellationToken cancellationToken)
        where T : class =>
        InsertAsync(db, entities, OnConflict.Fail, cancellationToken);

    /// <summary>
    /// As <see cref="InsertAsync{T}(LeadgateDbContext, IReadOnlyCollection{T}, CancellationToken)"/>, but a row that would
    /// break a unique key (one another writer stored a moment ago) is left out instead of failing the statement; answers
    /// how many rows were written.
    /// </summary>
    public static Task<int> InsertNewAsync<T>(LeadgateDbContext db, IReadOnlyCollection<T> entities, CancellationToken cancellationToken)
        where T : class =>
        InsertAsync(db, entities, OnConflict.Skip, cancellationToken);

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

            await InsertAsync(db, type, entries.ConvertAll(e => e.Entity), OnConflict.Fail, cancellationToken);
            foreach (var entry in entries)
            {
                entry.State = EntityState.Unchanged;
            }
        }
    }

    /// <summary>
    /// Writes each row, or, where a row with its key is there already, keeps in every column the earlier of the two values
    /// (a NULL being no value): for rows that record first moments, such as a lead's <see cref="Reports.LeadFunnel"/>.
    /// </summary>
    public static Task KeepEarliestAsync<T>(LeadgateDbContext db, IReadOnlyCollection<T> entities, CancellationToken cancellationToken)
        where T : class =>
        InsertAsync(db, entities, OnConflict.KeepEarliest, cancellationToken);

    /// <summary>What an insert does with a row whose key or unique value is taken.</summary>
    private enum OnConflict
    {
        Fail,
        Skip,
        KeepEarliest,
    }

    /// <summary>The rows of <typeparamref name="T"/>'s table, nothing when there are none.</summary>
    private static async Task<int> InsertAsync<T>(LeadgateDbContext db, IReadOnlyCollection<T> entities, OnConflict conflicts, CancellationToken cancellationToken)
        where T : class
    {
        if (entities.Count == 0)
        {
            return 0;
        }

        var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        return await InsertAsync(db, type, entities, conflicts, cancellationToken);
    }

    private static async Task<int> InsertAsync<T>(LeadgateDbContext db, IEntityType type, IReadOnlyCollection<T> entities, OnConflict conflicts, CancellationToken cancellationToken)
        where T : class
    {
        var table = Tables.GetOrAdd(type, Table.Of);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            int written;
            if (connection is SqliteConnection sqlite)
            {
                cancellationToken.ThrowIfCancellationRequested();
                written = InsertWithSqlite(sqlite, table, entities, conflicts);
            }
            else
            {
                written = await InsertManyRowsAsync(connection, transaction, table, entities, conflicts, cancellationToken);
            }

            // Every way the product writes stage events in bulk comes through here, so their leads' funnel rows are kept here
            // too, in the same transaction (decision 0011).
            if (type.ClrType == typeof(Leads.StageEvent))
            {
                await Reports.LeadFunnel.KeepAsync(db, entities.Cast<Leads.StageEvent>(), cancellationToken);
            }

            return written;
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
    private static int InsertWithSqlite<T>(SqliteConnection connection, Table table, IReadOnlyCollection<T> entities, OnConflict conflicts)
        where T : class
    {
        var handle = connection.Handle!;
        var bind = table.SqliteBinder;
        using var statement = Prepare(handle, table.Insert(1, conflicts, sqlite: true));
        var held = false;
        statement.DangerousAddRef(ref held);
        try
        {
            var pointer = statement.DangerousGetHandle();
            var written = 0;
            foreach (var entity in entities)
            {
                Step(pointer, handle, bind, entity);
                written += conflicts == OnConflict.Skip ? raw.sqlite3_changes(handle) : 1;
            }

            return written;
        }
        finally
        {
            if (held)
            {
                statement.DangerousRelease();
            }
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 handle, string sql)
    {
        Check(raw.sqlite3_prepare_v2(handle, sql, out var statement), handle);
        return statement;
    }

    /// <summary>Binds the row's values by position, runs the statement once and resets it for the next row.</summary>
    private static void Step<T>(nint statement, sqlite3 handle, Action<nint, object> bind, T entity)
        where T : class
    {
        try
        {
            bind(statement, entity);
            var done = SqliteNative.Step(statement);
            if (done != raw.SQLITE_DONE)
            {
                Check(done, handle);
            }
        }
        finally
        {
            SqliteNative.Reset(statement);
        }
    }

    /// <summary>
    /// The typed binders a table's compiled binder calls (<see cref="SqliteBinders"/>): each binds a value as EF's SQLite
    /// mapping stores it (GUIDs as 16 bytes, <see cref="SqliteGuids"/>) without allocating. A GUID's bytes are written on the
    /// stack, and text is handed over as UTF-16 for SQLite to convert (SQLitePCL's string overload copies every value to a
    /// new UTF-8 array first, which made the collector work for each bound value). The statement is a plain pointer, held
    /// alive by <see cref="InsertWithSqlite"/> (<see cref="SqliteNative"/>).
    /// </summary>
    private static class SqliteBind
    {
        public static void Null(nint statement, int index) => Checked(SqliteNative.BindNull(statement, index), index);

        public static void Text(nint statement, int index, string? text) =>
            Checked(text is null ? SqliteNative.BindNull(statement, index) : SqliteNative.BindText(statement, index, text), index);

        public static void Key(nint statement, int index, Guid guid)
        {
            Span<byte> key = stackalloc byte[SqliteGuids.Size];
            SqliteGuids.Write(guid, key);
            Checked(SqliteNative.BindBlob(statement, index, key), index);
        }

        public static void Integer(nint statement, int index, long number) => Checked(SqliteNative.BindInt64(statement, index, number), index);

        public static void Flag(nint statement, int index, bool flag) => Integer(statement, index, flag ? 1 : 0);

        public static void Real(nint statement, int index, double real) => Checked(SqliteNative.BindDouble(statement, index, real), index);

        public static void Amount(nint statement, int index, decimal amount) =>
            Text(statement, index, amount.ToString("0.0###########################", CultureInfo.InvariantCulture));

        public static void Date(nint statement, int index, DateOnly date) =>
            Text(statement, index, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        public static void Time(nint statement, int index, DateTime time) =>
            Text(statement, index, time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));

        public static void Bytes(nint statement, int index, byte[]? bytes) =>
            Checked(bytes is null ? SqliteNative.BindNull(statement, index) : SqliteNative.BindBlob(statement, index, bytes), index);

        private static void Checked(int rc, int index)
        {
            if (rc != raw.SQLITE_OK)
            {
                throw new InvalidOperationException($"Binding parameter {index} failed with SQLite code {rc}.");
            }
        }

        /// <summary>The binder for a value of this type (after the model's conversion), or null if there is none.</summary>
        public static MethodInfo? For(Type type) => type switch
        {
            _ when type == typeof(string) => Method(nameof(Text)),
            _ when type == typeof(Guid) => Method(nameof(Key)),
            _ when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte) => Method(nameof(Integer)),
            _ when type == typeof(bool) => Method(nameof(Flag)),
            _ when type == typeof(double) || type == typeof(float) => Method(nameof(Real)),
            _ when type == typeof(decimal) => Method(nameof(Amount)),
            _ when type == typeof(DateOnly) => Method(nameof(Date)),
            _ when type == typeof(DateTime) => Method(nameof(Time)),
            _ when type == typeof(byte[]) => Method(nameof(Bytes)),
            _ => null,
        };

        public static MethodInfo Method(string name) => typeof(SqliteBind).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
    }

    /// <summary>
    /// A table's binder for SQLite, compiled once from the model: for each column in order, the property is read through
    /// its member chain (into complex properties), converted by the model's converter as an expression, and bound with the
    /// typed binder for the stored type. Nothing is boxed: EF's getters and converters hand every value over as an object,
    /// and that boxing was 7% of an import's writing thread and most of what it allocated while writing (P5, seventh pass).
    /// </summary>
    private static class SqliteBinders
    {
        public static Action<nint, object> Compile(IEntityType type, IReadOnlyList<Column> columns)
        {
            var statement = Expression.Parameter(typeof(nint), "statement");
            var entity = Expression.Parameter(typeof(object), "entity");
            var typed = Expression.Variable(type.ClrType, "row");
            var body = new List<Expression> { Expression.Assign(typed, Expression.Convert(entity, type.ClrType)) };
            for (var i = 0; i < columns.Count; i++)
            {
                body.Add(BindColumn(statement, Expression.Constant(i + 1), typed, columns[i]));
            }

            return Expression.Lambda<Action<nint, object>>(Expression.Block([typed], body), statement, entity).Compile();
        }

        /// <summary>Reads, converts and binds one column; a null anywhere on the way (a null complex value) binds NULL.</summary>
        private static BlockExpression BindColumn(ParameterExpression statement, ConstantExpression index, ParameterExpression row, Column column)
        {
            var chain = new Stack<IPropertyBase>();
            for (IPropertyBase member = column.Property; ; member = ((IComplexType)member.DeclaringType).ComplexProperty)
            {
                chain.Push(member);
                if (member.DeclaringType is not IComplexType)
                {
                    break;
                }
            }

            var bindNull = Expression.Call(SqliteBind.Method(nameof(SqliteBind.Null)), statement, index);
            Expression current = row;
            var locals = new List<ParameterExpression>();
            var steps = new List<Expression>();
            while (chain.Count > 0)
            {
                var member = chain.Pop();
                var read = Expression.MakeMemberAccess(current, member.GetMemberInfo(forMaterialization: false, forSet: false));
                if (chain.Count > 0 && !read.Type.IsValueType)
                {
                    // A complex value that may be null: the columns under it are NULL then, as EF stores them.
                    var local = Expression.Variable(read.Type);
                    locals.Add(local);
                    steps.Add(Expression.Assign(local, read));
                    current = local;
                    continue;
                }

                current = read;
            }

            var bind = BindValue(statement, index, current, column.Mapping.Converter, bindNull);
            for (var i = locals.Count - 1; i >= 0; i--)
            {
                bind = Expression.IfThenElse(Expression.Equal(locals[i], Expression.Constant(null, locals[i].Type)), bindNull, bind);
            }

            steps.Add(bind);
            return Expression.Block(locals, steps);
        }

        private static Expression BindValue(ParameterExpression statement, ConstantExpression index, Expression value, ValueConverter? converter, Expression bindNull)
        {
            var underlying = Nullable.GetUnderlyingType(value.Type);
            var present = underlying is null ? value : Expression.Property(value, "Value");
            Expression stored = present;
            if (converter is not null && present.Type != typeof(Guid))
            {
                // The converter's own expression, inlined; a GUID keeps its value and is written as bytes by SqliteBind.Key.
                var convert = converter.ConvertToProviderExpression;
                var argument = convert.Parameters[0];
                stored = ReplacingExpressionVisitor.Replace(argument, present.Type == argument.Type ? present : Expression.Convert(present, argument.Type), convert.Body);
            }

            Expression bind;
            if (Nullable.GetUnderlyingType(stored.Type) is not null)
            {
                // A converter that answers a nullable value: NULL when it has none.
                var converted = Expression.Variable(stored.Type);
                bind = Expression.Block(
                    [converted],
                    Expression.Assign(converted, stored),
                    Expression.IfThenElse(Expression.Property(converted, "HasValue"), BindStored(statement, index, Expression.Property(converted, "Value")), bindNull));
            }
            else
            {
                bind = BindStored(statement, index, stored);
            }

            if (underlying is not null)
            {
                return Expression.IfThenElse(Expression.Property(value, "HasValue"), bind, bindNull);
            }

            // Text, bytes and unknown types bind their own nulls; a converter is never handed a null (as in EF).
            return converter is null || value.Type.IsValueType
                ? bind
                : Expression.IfThenElse(Expression.Equal(value, Expression.Constant(null, value.Type)), bindNull, bind);
        }

        /// <summary>The typed binder's call for a value of the stored type; an unknown type goes to <see cref="BindBoxed"/>, which names it.</summary>
        private static MethodCallExpression BindStored(ParameterExpression statement, ConstantExpression index, Expression stored)
        {
            if (SqliteBind.For(stored.Type) is not { } method)
            {
                return Expression.Call(typeof(BulkInsert).GetMethod(nameof(BindBoxed), BindingFlags.NonPublic | BindingFlags.Static)!, statement, index, Expression.Convert(stored, typeof(object)));
            }

            var parameter = method.GetParameters()[2].ParameterType;
            return Expression.Call(method, statement, index, stored.Type == parameter ? stored : Expression.Convert(stored, parameter));
        }
    }

    /// <summary>A value of a type the typed binders do not know: thrown on, naming the type.</summary>
    private static void BindBoxed(nint statement, int index, object? value)
    {
        if (value is not null)
        {
            throw new NotSupportedException($"Bulk inserts do not bind {value.GetType().Name} values on SQLite.");
        }

        SqliteBind.Null(statement, index);
    }

    private static void Check(int rc, sqlite3 handle) => SqliteException.ThrowExceptionForRC(rc, handle);

    /// <summary>PostgreSQL: as many rows per statement as the parameter limit allows, so a batch is a few round trips.</summary>
    private static async Task<int> InsertManyRowsAsync<T>(DbConnection connection, DbTransaction? transaction, Table table, IReadOnlyCollection<T> entities, OnConflict conflicts, CancellationToken cancellationToken)
        where T : class
    {
        var rowsPerStatement = Math.Max(1, MaxParametersPerStatement / table.Columns.Count);
        var written = 0;
        foreach (var chunk in entities.Chunk(rowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = table.Insert(chunk.Length, conflicts, sqlite: false);
            var n = 0;
            foreach (var entity in chunk)
            {
                foreach (var column in table.Columns)
                {
                    command.Parameters.Add(column.Mapping.CreateParameter(command, "@p" + n++, column.Getter.GetClrValueUsingContainingEntity(entity), column.Property.IsNullable));
                }
            }

            written += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return written;
    }

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, string Name);

    private sealed record Table(IEntityType Type, string Name, IReadOnlyList<Column> Columns)
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

            return new Table(type, table.Name, [.. properties.Select(p => new Column(p, p.GetRelationalTypeMapping(), p.GetGetter(), p.GetColumnName(table)!))]);
        }

        private readonly ConcurrentDictionary<(int Rows, OnConflict Conflicts, bool Sqlite), string> _inserts = new();

        private Action<nint, object>? _sqliteBinder;

        /// <summary>Binds a row's values to the single-row INSERT by position, on SQLite; compiled on first use.</summary>
        public Action<nint, object> SqliteBinder => _sqliteBinder ??= SqliteBinders.Compile(Type, Columns);

        /// <summary>The INSERT of so many rows, doing what <paramref name="conflicts"/> says with a taken key; made once per shape.</summary>
        public string Insert(int rows, OnConflict conflicts, bool sqlite) => _inserts.GetOrAdd((rows, conflicts, sqlite), MakeInsert);

        private string MakeInsert((int Rows, OnConflict Conflicts, bool Sqlite) shape)
        {
            var columns = string.Join(", ", Columns.Select(c => $"\"{c.Name}\""));
            var values = Enumerable.Range(0, shape.Rows).Select(r => "(" + string.Join(", ", Columns.Select((_, i) => "@p" + (r * Columns.Count + i))) + ")");
            return $"INSERT INTO \"{Name}\" ({columns}) VALUES {string.Join(", ", values)}" + shape.Conflicts switch
            {
                OnConflict.Skip => " ON CONFLICT DO NOTHING",
                OnConflict.KeepEarliest => KeepEarliest(shape.Sqlite),
                _ => "",
            };
        }

        /// <summary>
        /// The upsert that keeps the earlier value of every column outside the key. SQLite's two-argument MIN is NULL when
        /// either is, so the COALESCE falls back to whichever is there; PostgreSQL's LEAST leaves NULLs out itself.
        /// </summary>
        private string KeepEarliest(bool sqlite)
        {
            var key = Type.FindPrimaryKey()!.Properties.Select(p => p.Name).ToHashSet();
            var kept = Columns.Where(c => !key.Contains(c.Property.Name)).Select(c => $"\"{c.Name}\"").ToList();
            var target = string.Join(", ", Columns.Where(c => key.Contains(c.Property.Name)).Select(c => $"\"{c.Name}\""));
            return $" ON CONFLICT ({target}) DO UPDATE SET " + string.Join(", ", kept.Select(c => sqlite
                ? $"{c} = COALESCE(MIN({c}, excluded.{c}), {c}, excluded.{c})"
                : $"{c} = LEAST(\"{Name}\".{c}, EXCLUDED.{c})"));
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
