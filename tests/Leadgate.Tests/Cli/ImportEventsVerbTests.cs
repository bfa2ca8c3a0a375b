using System.Globalization;
using System.Text;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Cli;

/// <summary><c>leadgate import events</c> end to end: every good line recorded and scored as the API would, each bad line reported, a second run harmless.</summary>
public abstract class ImportEventsVerbTests(CliDatabase database) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("leadgate-events-").FullName;

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ImportEvents_RecordsTheGoodLines_ReportsEachBadOneByLineAndField_AndASecondRunStoresNothing()
    {
        var slug = "e-" + Guid.NewGuid().ToString("N")[..10];
        (await database.RunAsync("orgs", "add", "--slug", slug, "--name", "Events test")).Succeeded();
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture);
        var file = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $$"""{"externalId":"demo-1","type":"DemoRequest","email":"raised.hand@buyer.example.com","occurredAt":"{{at}}"}""")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $$"""{"externalId":"bad-type","type":"Nope","email":"someone@buyer.example.com","occurredAt":"{{at}}"}""")
            .AppendLine("{oops")
            .AppendLine("""{"externalId":"bad-date","type":"PageVisit","email":"someone@buyer.example.com","occurredAt":"yesterday"}""")
            .AppendLine(CultureInfo.InvariantCulture, $$"""{"externalId":"bad-lead","type":"PageVisit","leadId":"{{Guid.NewGuid()}}","occurredAt":"{{at}}"}""")
            .AppendLine(CultureInfo.InvariantCulture, $$$"""{"externalId":"visit-1","type":"PageVisit","email":"raised.hand@buyer.example.com","occurredAt":"{{{at}}}","properties":{"page":"/pricing"}}""");
        // Enough more to fill more than one batch of 1,000, over 50 other people.
        for (var i = 0; i < 1_005; i++)
        {
            file.AppendLine(CultureInfo.InvariantCulture, $$"""{"externalId":"bulk-{{i}}","type":"ContentDownload","email":"reader{{i % 50}}@buyer.example.com","occurredAt":"{{at}}"}""");
        }

        var path = Path.Combine(_folder, "events.ndjson");
        await File.WriteAllTextAsync(path, file.ToString(), TestContext.Current.CancellationToken);

        var first = (await database.RunAsync("import", "events", path, "--org", slug)).Succeeded();
        var again = (await database.RunAsync("import", "events", path, "--org", slug)).Succeeded();

        Assert.Contains("'events.ndjson': 1012 lines, 1007 events stored, 0 repeats, 0 conflicts, 51 leads created, 1 became MQL, 4 bad lines", first.Output, StringComparison.Ordinal);
        Assert.Equal(
            [
                "line 3, type: One of EmailReply, FormSubmit, ContentDownload, DemoRequest, Webinar, PageVisit, NewsletterSignup, Custom.",
                "line 4, line: Not a JSON object of an event ({ \"externalId\", \"type\", \"email\" or \"leadId\", \"occurredAt\", \"properties\" }).",
                "line 5, occurredAt: Not a valid value for this field.",
                "line 6, leadId: No lead with this id exists in your organisation.",
            ],
            first.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("1012 lines, 0 events stored, 1007 repeats, 0 conflicts, 0 leads created, 0 became MQL, 4 bad lines", again.Output, StringComparison.Ordinal);

        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var organisationId = await db.Organisations.Where(o => o.Slug == slug).Select(o => o.Id).SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1007, await db.BehaviourEvents.CountAsync(e => e.OrganisationId == organisationId, TestContext.Current.CancellationToken));
        var raised = await db.Leads.Include(l => l.History).SingleAsync(l => l.OrganisationId == organisationId && l.Contact.Email == "raised.hand@buyer.example.com", TestContext.Current.CancellationToken);
        Assert.Equal(Stage.Mql, raised.Stage);
        Assert.Contains(raised.History, h => h.To == Stage.Mql && h.ActorName == "Hand-raise: DemoRequest");
    }
}

public sealed class ImportEventsVerbTests_Sqlite(SqliteCliDatabase database) : ImportEventsVerbTests(database), IClassFixture<SqliteCliDatabase>;

public sealed class ImportEventsVerbTests_Postgres(PostgresCliDatabase database) : ImportEventsVerbTests(database), IClassFixture<PostgresCliDatabase>;
