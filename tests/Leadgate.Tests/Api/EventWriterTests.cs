using System.Net;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Group commit: single-event requests arriving together are committed together, each answered on its own.</summary>
public abstract class EventWriterTests(TestApp app)
{
    [Fact]
    public async Task SixtyFourSingleEventsAtOnce_AreEachAnsweredWithTheirOwnOutcome_AndABadOneIsRefusedAlone()
    {
        var tenant = await app.NewTenantAsync();
        var at = app.Clock.GetUtcNow().AddMinutes(-5);
        var unknownLead = Guid.NewGuid();

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            var client = tenant.Client("marketing");
            object e = i == 13
                ? new { externalId = $"single-{i}", type = "PageVisit", leadId = unknownLead, occurredAt = at }
                : new { externalId = $"single-{i}", type = i % 16 == 0 ? "DemoRequest" : "PageVisit", email = $"person{i % 16}@group.example.com", occurredAt = at };
            return (Index: i, Answer: await client.SendEventsAsync([e]));
        }));

        var refused = answers.Single(a => a.Index == 13).Answer.Expect(HttpStatusCode.BadRequest);
        Assert.Equal(["events[0].leadId"], refused.Body!["errors"]!.AsObject().Select(e => e.Key));
        var accepted = answers.Where(a => a.Index != 13).Select(a => (a.Index, Body: a.Answer.Expect(HttpStatusCode.OK).Body!)).ToList();
        Assert.All(accepted, a => Assert.Equal((1, $"single-{a.Index}"), ((int)a.Body["stored"]!, (string)a.Body["results"]![0]!["externalId"]!)));
        Assert.Equal(16, accepted.Sum(a => a.Body["createdLeads"]!.AsArray().Count));
        Assert.Equal(1, accepted.Sum(a => a.Body["qualified"]!.AsArray().Count));
        Assert.Single(accepted.Where(a => a.Index % 16 == 1).Select(a => (string)a.Body["results"]![0]!["leadId"]!).Distinct());
    }
}

public sealed class EventWriterTests_Sqlite(SqliteApp app) : EventWriterTests(app), IClassFixture<SqliteApp>;

public sealed class EventWriterTests_Postgres(PostgresApp app) : EventWriterTests(app), IClassFixture<PostgresApp>;
