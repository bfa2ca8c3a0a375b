using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Leadgate.Data;

/// <summary>
/// The import's hot path on SQLite: EF sends one freshly prepared command per inserted row, which caps an import at a few
/// thousand rows a second. Here every entity the change tracker holds as Added is inserted with one prepared command per
/// table, reused row after row, with the columns, value conversions and parameter types taken from the EF model, so the
/// rows are exactly what SaveChanges would have written. The rest (updates) is left to SaveChanges, in the same transaction.
/// </summary>
internal static class BulkInsert
{
    public static async Task SaveChangesAsync(LeadgateDbContext db, CancellationToken cancellationToken)
    {
        if (db.Provider != DatabaseProvider.Sqlite)
        {
            // PostgreSQL batches EF's inserts into few round trips already.
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        db.ChangeTracker.DetectChanges();
        var added = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList();
        var owned = db.Database.CurrentTransaction is null;
        var transaction = owned ? await db.Database.BeginTransactionAsync(cancellationToken) : db.Database.CurrentTransaction!;
        try
        {
            // Parents before children: the tables' foreign keys are checked row by row.
            foreach (var group in added.GroupBy(e => e.Metadata).OrderBy(g => Depth(g.Key)))
            {
                await InsertAsync(db, transaction.GetDbTransaction(), group.Key, group, cancellationToken);
            }

            foreach (var entry in added)
            {
                entry.State = EntityState.Unchanged;
            }

            await db.SaveChangesAsync(cancellationToken);
            if (owned)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (owned)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    private static int Depth(IEntityType type) =>
        type.GetForeignKeys().Where(fk => fk.PrincipalEntityType != type).Select(fk => fk.PrincipalEntityType.Name.Contains("Leadgate", StringComparison.Ordinal) ? 1 + Depth(fk.PrincipalEntityType) : 0).DefaultIfEmpty(0).Max();

    private static async Task InsertAsync(LeadgateDbContext db, DbTransaction transaction, IEntityType type, IEnumerable<EntityEntry> entries, CancellationToken cancellationToken)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = new List<(IProperty Property, IReadOnlyList<IComplexProperty> Path)>();
        Collect(type.GetProperties(), type.GetComplexProperties(), [], columns);

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columns.Select(c => $"\"{c.Property.GetColumnName(table)}\""))}) "
            + $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        var mappings = columns.Select(c => c.Property.GetRelationalTypeMapping()).ToList();
        var first = true;
        foreach (var entry in entries)
        {
            command.Parameters.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                var (property, path) = columns[i];
                command.Parameters.Add(mappings[i].CreateParameter(command, "@p" + i, ValueOf(entry, path, property), property.IsNullable));
            }

            if (first)
            {
                await command.PrepareAsync(cancellationToken);
                first = false;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void Collect(IEnumerable<IProperty> properties, IEnumerable<IComplexProperty> complex, IReadOnlyList<IComplexProperty> path, List<(IProperty, IReadOnlyList<IComplexProperty>)> columns)
    {
        columns.AddRange(properties.Select(p => (p, path)));
        foreach (var property in complex)
        {
            IReadOnlyList<IComplexProperty> inner = [.. path, property];
            Collect(property.ComplexType.GetProperties(), property.ComplexType.GetComplexProperties(), inner, columns);
        }
    }

    private static object? ValueOf(EntityEntry entry, IReadOnlyList<IComplexProperty> path, IProperty property)
    {
        if (path.Count == 0)
        {
            return entry.Property(property).CurrentValue;
        }

        var complex = entry.ComplexProperty(path[0]);
        foreach (var step in path.Skip(1))
        {
            complex = complex.ComplexProperty(step);
        }

        return complex.Property(property).CurrentValue;
    }
}
