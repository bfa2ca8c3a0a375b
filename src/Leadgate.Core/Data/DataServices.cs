using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Leadgate.Data;

public static class DataServices
{
    /// <summary>Registers <see cref="LeadgateDbContext"/> on the provider that <c>Database:Provider</c> names.</summary>
    public static IServiceCollection AddLeadgateData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section));

        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = options.ResolveConnectionString();
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContext<LeadgateDbContext, SqliteLeadgateDbContext>(db => db
                    .UseSqlite(connectionString)
                    .AddInterceptors(SqlitePragmas.Instance));
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContext<LeadgateDbContext, PostgresLeadgateDbContext>(db => db
                    .UseNpgsql(connectionString));
                break;
            default:
                throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions), [$"Unknown Database:Provider '{options.Provider}'."]);
        }

        return services;
    }

    /// <summary>Applies the provider's migrations; on SQLite also turns on write-ahead logging, which the file keeps.</summary>
    public static async Task MigrateAsync(this LeadgateDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    /// <summary>WAL makes a commit durable at checkpoint with synchronous=NORMAL; foreign keys are on for every connection.</summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
            command.ExecuteNonQuery();
        }
    }
}
