using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Leadgate.Data;

public static class DataServices
{
    /// <summary>
    /// Registers <see cref="LeadgateDbContext"/> (scoped) on the provider that <c>Database:Provider</c> names. The
    /// provider is chosen when the first context is made, not at registration, so configuration added later (a test
    /// host, a command-line switch) still counts.
    /// </summary>
    public static IServiceCollection AddLeadgateData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section));
        services.AddSingleton<IDbContextFactory<LeadgateDbContext>, LeadgateDbContextFactory>();
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<LeadgateDbContext>>().CreateDbContext());
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

    /// <summary>Builds the provider's options once and hands out contexts of the matching subclass.</summary>
    private sealed class LeadgateDbContextFactory : IDbContextFactory<LeadgateDbContext>
    {
        private readonly Func<LeadgateDbContext> _create;

        public LeadgateDbContextFactory(IOptions<DatabaseOptions> options, ILoggerFactory loggerFactory)
        {
            var database = options.Value;
            var connectionString = database.ResolveConnectionString();
            switch (database.Provider)
            {
                case DatabaseProvider.Sqlite:
                    // A list in a query (ids.Contains(x.Id)) goes as one JSON parameter read by json_each, not as a parameter per
                    // value (EF 10's default): Microsoft.Data.Sqlite binds by name, searching the statement's names for each
                    // one, so a batch of 1,000 e-mail addresses cost half a million name comparisons (docs/performance.md, P1).
                    var sqlite = new DbContextOptionsBuilder<SqliteLeadgateDbContext>()
                        .UseSqlite(connectionString, sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                        // EF rebuilds a SQLite table to change a column's type and turns foreign keys off for it outside a
                        // transaction, warning each time; every new database runs such a migration (BinaryGuids), so the
                        // warning would greet every first start. It stays in the log as information.
                        .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Information)))
                        .UseLoggerFactory(loggerFactory)
                        .AddInterceptors(SqlitePragmas.Instance)
                        .Options;
                    _create = () => new SqliteLeadgateDbContext(sqlite);
                    break;
                case DatabaseProvider.Postgres:
                    var postgres = new DbContextOptionsBuilder<PostgresLeadgateDbContext>()
                        .UseNpgsql(connectionString)
                        .UseLoggerFactory(loggerFactory)
                        .Options;
                    _create = () => new PostgresLeadgateDbContext(postgres);
                    break;
                default:
                    throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions), [$"Unknown Database:Provider '{database.Provider}'."]);
            }
        }

        public LeadgateDbContext CreateDbContext() => _create();
    }

    /// <summary>
    /// WAL makes a commit durable at checkpoint with synchronous=NORMAL; foreign keys and secure_delete are on for every connection. The log
    /// is copied back into the database every 10,000 pages (40 MB) instead of SQLite's 1,000: each copy syncs the files, and
    /// a busy writer paid for one every few commits (docs/performance.md, P1).
    /// </summary>
    internal sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        /// <summary>The pragmas every connection gets, for a connection opened outside EF.</summary>
        public static void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            // secure_delete: what a delete or an update frees is overwritten with zeros, so an erased person's bytes do not stay
            // in the file (docs/privacy.md); it is set per connection, and off by default.
            command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint=10000; PRAGMA secure_delete=ON;";
            command.ExecuteNonQuery();
        }
    }
}
