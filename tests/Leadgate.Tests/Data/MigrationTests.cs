using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Tests.Data;

/// <summary>A model change without a migration for each provider fails the build's tests.</summary>
public sealed class MigrationTests
{
    [Fact]
    public void SqliteModel_HasNoChangesWithoutAMigration()
    {
        using var db = new SqliteLeadgateDbContext(new DbContextOptionsBuilder<SqliteLeadgateDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed: add a migration with `dotnet ef migrations add <Name> --context SqliteLeadgateDbContext` (see docs/development.md).");
    }

    [Fact]
    public void PostgresModel_HasNoChangesWithoutAMigration()
    {
        using var db = new PostgresLeadgateDbContext(new DbContextOptionsBuilder<PostgresLeadgateDbContext>().UseNpgsql("Host=localhost").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed: add a migration with `dotnet ef migrations add <Name> --context PostgresLeadgateDbContext` (see docs/development.md).");
    }
}
