using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Leadgate.Data;

/// <summary>The embedded default. Its migrations live in <c>Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteLeadgateDbContext(DbContextOptions<SqliteLeadgateDbContext> options) : LeadgateDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no time type: UTC ticks as an integer keep times comparable and sortable in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();

        // Keys as 16 bytes, not 36 characters of text (SqliteGuids): every index on them is smaller, and so is every page.
        configurationBuilder.Properties<Guid>().HaveConversion<SqliteGuids.Converter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // StageEvents has AFTER UPDATE and DELETE triggers (the lead funnels, LeadFunnelTriggers); EF does not combine SQLite's
        // RETURNING clause with a table that has triggers.
        builder.Entity<Leads.StageEvent>().ToTable(t => t.UseSqlReturningClause(false));
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLeadgateDbContext>
{
    public SqliteLeadgateDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLeadgateDbContext>().UseSqlite("Data Source=design.db").Options);
}
