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
}
