using System.Net;
using Leadgate.Data;
using Leadgate.Prediction;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leadgate.Tests.Api;

/// <summary>Scheduled training and the stored likelihood of new leads, with two app instances' rounds at once; SQLite and PostgreSQL.</summary>
public abstract class PredictionScheduleTests(TestApp app)
{
    private RunPredictionSchedule Instance() => new(
        app.Services.GetRequiredService<IDbContextFactory<LeadgateDbContext>>(), app.Clock, app.Services.GetRequiredService<ILoggerFactory>());

    [Fact]
    public async Task TwoInstancesAtOnce_TrainOnce_AndLaterRoundsScoreNewLeads_WithoutTrainingAgainBeforeTheInterval()
    {
        var tenant = await PredictionApiTests.TenantWithHistoryAsync(app);
        var daily = TimeSpan.FromDays(1);

        var rounds = await Task.WhenAll(
            Instance().RunDueAsync("instance-a", TimeSpan.FromMinutes(1), daily, TestContext.Current.CancellationToken),
            Instance().RunDueAsync("instance-b", TimeSpan.FromMinutes(1), daily, TestContext.Current.CancellationToken));

        Assert.Equal(1, rounds.Sum());
        var versions = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/models")).Expect(HttpStatusCode.OK).Body!.AsArray();
        Assert.Single(versions);
        Assert.True((bool)versions[0]!["active"]!);
        Assert.Equal("schedule", (string?)versions[0]!["trainedBy"]);

        var newcomer = (await tenant.Marketing.CreateLeadAsync(new { email = $"{Guid.NewGuid():N}@lead.example.com", source = "Partner referral", jobTitle = "Director of Finance" }))
            .Expect(HttpStatusCode.Created).Id;
        Assert.Null(await StoredAsync(newcomer));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await Instance().RunDueAsync("instance-a", TimeSpan.FromMinutes(1), daily, TestContext.Current.CancellationToken));

        var stored = await StoredAsync(newcomer);
        Assert.NotNull(stored);
        var shown = (double)(await tenant.Sales.GetLeadAsync(newcomer)).Body!["likelihood"]!["probability"]!;
        Assert.Equal(shown, stored.Value, 9);
        Assert.Single((await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/models")).Body!.AsArray());
    }

    private async Task<double?> StoredAsync(Guid leadId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        return await db.LeadLikelihoods.Where(l => l.LeadId == leadId).Select(l => (double?)l.Probability).FirstOrDefaultAsync(TestContext.Current.CancellationToken);
    }
}

public sealed class PredictionScheduleTests_Sqlite(SqliteApp app) : PredictionScheduleTests(app), IClassFixture<SqliteApp>;

public sealed class PredictionScheduleTests_Postgres(PostgresApp app) : PredictionScheduleTests(app), IClassFixture<PostgresApp>;
