using Npgsql;

namespace Leadgate.Tests.Infrastructure;

public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task CreateDatabase_GivesAnEmptyDatabaseThatAnswersQueries()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var connectionString = await server.CreateDatabaseAsync("fixture_smoke_" + Guid.NewGuid().ToString("N")[..8], cancellationToken);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select 1", connection);
        var answer = await command.ExecuteScalarAsync(cancellationToken);

        Assert.Equal(1, answer);
    }

    [Fact]
    public async Task AServerWhoseTestHostIsGone_IsStoppedAndRemovedByTheNextRun_AndARunningHostsServerIsLeftAlone()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var orphan = new PostgresServer();
        await orphan.InitializeAsync();
        var root = orphan.Root!;

        // While its host runs, another run's sweep leaves it alone (and this run's shared server too).
        await new PostgresServer().StopOrphansAsync();
        Assert.True(Directory.Exists(root));
        await AssertAnswersAsync(orphan.ConnectionString("postgres") + ";Pooling=false", cancellationToken);

        // Its host is gone (a process that has exited): the next run's sweep stops it and removes its directory.
        using (var gone = System.Diagnostics.Process.Start("true")!)
        {
            await gone.WaitForExitAsync(cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), gone.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        }

        Assert.True(await new PostgresServer().StopOrphansAsync() >= 1);
        Assert.False(Directory.Exists(root));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => AssertAnswersAsync(orphan.ConnectionString("postgres") + ";Pooling=false", cancellationToken));
        await AssertAnswersAsync(server.ConnectionString("postgres"), cancellationToken);
    }

    private static async Task AssertAnswersAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select 1", connection);
        Assert.Equal(1, await command.ExecuteScalarAsync(cancellationToken));
    }
}
