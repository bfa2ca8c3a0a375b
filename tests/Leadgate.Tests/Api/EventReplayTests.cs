using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Scoring;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>
/// Issue 3, acceptance point 3: replaying the same batch of 100,000 events three times, with 8 clients at once, stores
/// each event once and scores each lead as if it had been sent once. Through the HTTP API, on SQLite and on PostgreSQL.
/// </summary>
public abstract class EventReplayTests(TestApp app, ITestOutputHelper output)
{
    private const int Events = 100_000;
    private const int People = 5_000;
    private const int BatchSize = 1_000;
    private const int Clients = 8;
    private const int Sends = 3;

    private static readonly ScoringModel Model = ScoringModel.Default with { HalfLifeDays = 0 };

    [Fact]
    public async Task ReplayingAHundredThousandEventsThreeTimes_WithEightClientsAtOnce_StoresEachOnce_AndScoresEachLeadAsIfSentOnce()
    {
        var cancel = TestContext.Current.CancellationToken;
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.PutScoringAsync(Model)).Expect(HttpStatusCode.OK);
        var at = app.Clock.GetUtcNow();
        var events = Generate(at);
        var bodies = events.Chunk(BatchSize).Select(batch => JsonSerializer.SerializeToUtf8Bytes(new { events = batch }, JsonSerializerOptions.Web)).ToList();

        // Every batch three times; the copies of a batch go to different clients at about the same moment.
        var sends = Enumerable.Range(0, bodies.Count).SelectMany(b => Enumerable.Repeat(b, Sends)).ToList();
        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            using var client = app.ClientFor(tenant.Members["marketing"]);
            var totals = (Stored: 0, Repeats: 0, Conflicts: 0, Created: 0);
            for (var s = c; s < sends.Count; s += Clients)
            {
                using var content = new ByteArrayContent(bodies[sends[s]]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(new Uri("/api/v1/events", UriKind.Relative), content, cancel);
                var text = await response.Content.ReadAsStringAsync(cancel);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
                using var json = JsonDocument.Parse(text);
                totals = (
                    totals.Stored + json.RootElement.GetProperty("stored").GetInt32(),
                    totals.Repeats + json.RootElement.GetProperty("repeats").GetInt32(),
                    totals.Conflicts + json.RootElement.GetProperty("conflicts").GetInt32(),
                    totals.Created + json.RootElement.GetProperty("createdLeads").GetArrayLength());
            }

            return totals;
        }));
        output.WriteLine($"{Sends * Events:N0} events in {clock.Elapsed.TotalSeconds:0.0} s on {app.Provider}");

        Assert.Equal(Events, answers.Sum(a => a.Stored));
        Assert.Equal((Sends - 1) * Events, answers.Sum(a => a.Repeats));
        Assert.Equal(0, answers.Sum(a => a.Conflicts));
        var expected = Expected(events, at);
        Assert.Equal(expected.Count, answers.Sum(a => a.Created));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        Assert.Equal(Events, await db.BehaviourEvents.CountAsync(e => e.OrganisationId == tenant.OrganisationId, cancel));
        var stored = (await db.Leads.AsNoTracking().Where(l => l.OrganisationId == tenant.OrganisationId)
                .Select(l => new { l.Contact.Email, l.FitScore, l.EngagementScore, l.Stage, Moves = l.History.Count })
                .ToListAsync(cancel))
            .ToDictionary(l => l.Email, l => (l.FitScore, l.EngagementScore, l.Stage, l.Moves));
        Assert.Equal(expected, stored);
    }

    /// <summary>Events over <see cref="People"/> unknown people, with hand-raises, at fixed moments before <paramref name="at"/>.</summary>
    private static object[] Generate(DateTimeOffset at)
    {
        string[] types = ["PageVisit", "ContentDownload", "PageVisit", "FormSubmit", "Webinar", "PageVisit", "NewsletterSignup", "Custom", "ContentDownload"];
        var random = new Random(3);
        return [.. Enumerable.Range(0, Events).Select(i =>
        {
            var person = random.Next(People);
            var type = random.Next(200) == 0 ? "DemoRequest" : types[random.Next(types.Length)];
            return (object)new { externalId = $"replay-{i}", type, email = $"person{person}@firm{person % 700}.example.com", occurredAt = at.AddMinutes(-random.Next(100_000)), properties = new { n = i } };
        })];
    }

    /// <summary>
    /// What the pure scoring gives each person for their events, sent once: fit (no facts are known, so none), engagement
    /// without decay, and the stage: Mql, with one move more in its history, when a hand-raise came in.
    /// </summary>
    private static Dictionary<string, (decimal? Fit, decimal Engagement, Stage Stage, int Moves)> Expected(object[] events, DateTimeOffset at) =>
        events.Select(e => JsonSerializer.SerializeToElement(e, JsonSerializerOptions.Web))
            .GroupBy(e => e.GetProperty("email").GetString()!)
            .ToDictionary(g => g.Key, g =>
            {
                var scored = g.Select(e => new ScoredEvent(e.GetProperty("externalId").GetString()!, Enum.Parse<BehaviourType>(e.GetProperty("type").GetString()!), e.GetProperty("occurredAt").GetDateTimeOffset())).ToList();
                var breakdown = ScoreBreakdown.Of(Model, new LeadFacts(null, null, null, null), scored, at);
                var mql = breakdown.Rule.Qualifies;
                return (breakdown.FitScore, breakdown.EngagementScore, mql ? Stage.Mql : Stage.Iql, mql ? 2 : 1);
            });
}

public sealed class EventReplayTests_Sqlite(SqliteApp app, ITestOutputHelper output) : EventReplayTests(app, output), IClassFixture<SqliteApp>;

public sealed class EventReplayTests_Postgres(PostgresApp app, ITestOutputHelper output) : EventReplayTests(app, output), IClassFixture<PostgresApp>;
