using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Leadgate.Data;

/// <summary>Production. Its migrations live in <c>Data/Migrations/Postgres</c>.</summary>
public sealed class PostgresLeadgateDbContext(DbContextOptions<PostgresLeadgateDbContext> options) : LeadgateDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresLeadgateDbContext>
{
    public PostgresLeadgateDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresLeadgateDbContext>().UseNpgsql("Host=localhost;Database=leadgate_design").Options);
}
