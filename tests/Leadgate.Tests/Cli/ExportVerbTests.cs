using System.Globalization;
using System.Text.Json;
using Leadgate.Data;
using Leadgate.Pipeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Cli;

/// <summary>Issue 16: `leadgate export deals` writes every deal of the organisation (or of one pipeline) as CSV or JSON.</summary>
public sealed class ExportVerbTests(SqliteCliDatabase database) : IClassFixture<SqliteCliDatabase>
{
    [Fact]
    public async Task ExportDeals_WritesEveryDealWithItsStageAndProbability_AsCsvAndAsJson_AndRefusesAnUnknownPipeline()
    {
        (await database.RunAsync("demo", "--org", "export-demo")).Succeeded();
        var stored = await DealsAsync("export-demo");
        Assert.NotEmpty(stored);
        var csvFile = Path.Combine(Path.GetTempPath(), $"deals-{Guid.NewGuid():N}.csv");
        var jsonFile = Path.Combine(Path.GetTempPath(), $"deals-{Guid.NewGuid():N}.json");
        try
        {
            var csv = (await database.RunAsync("export", "deals", "--org", "export-demo", "--output", csvFile)).Succeeded();
            Assert.Contains($"Exported {stored.Count:N0} deals", csv.Error, StringComparison.Ordinal);
            var lines = await File.ReadAllLinesAsync(csvFile, TestContext.Current.CancellationToken);
            var header = lines[0].Split(',');
            Assert.Equal(["id", "leadId", "title", "pipeline", "stage", "status", "value", "currency"], header[..8]);
            Assert.Equal(["proposalReference", "competitor"], header[^2..]);
            Assert.Equal(stored.Count, lines.Length - 1);
            var ids = lines.Skip(1).Select(l => Guid.Parse(l[..36])).ToHashSet();
            Assert.Equal(stored.Select(d => d.Id).ToHashSet(), ids);

            (await database.RunAsync("export", "deals", "--org", "export-demo", "--format", "json", "--pipeline", "sales", "--output", jsonFile)).Succeeded();
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(jsonFile, TestContext.Current.CancellationToken));
            var rows = json.RootElement.EnumerateArray().ToList();
            Assert.Equal(stored.Count, rows.Count);
            foreach (var row in rows)
            {
                var deal = stored.Single(d => d.Id == row.GetProperty("id").GetGuid());
                Assert.Equal(deal.Status.ToString(), row.GetProperty("status").GetString());
                Assert.Equal(deal.Value, row.GetProperty("value").GetDecimal());
                Assert.Equal(deal.Probability, row.GetProperty("probability").GetInt32());
                Assert.Equal(deal.ProbabilitySource.ToString(), row.GetProperty("probabilitySource").GetString());
                Assert.Contains("@", row.GetProperty("contactEmail").GetString(), StringComparison.Ordinal);
                Assert.Equal(deal.Competitor, row.GetProperty("competitor").GetString());
            }

            // The demo's competitor losses name the competitor in the export too.
            Assert.Contains(rows, r => r.GetProperty("competitor").GetString() is { Length: > 0 });

            Assert.Contains(rows, r => r.GetProperty("stage").GetString() == "Won");
            Assert.Contains(rows, r => r.GetProperty("stage").GetString() == "Qualified");

            var unknown = await database.RunAsync("export", "deals", "--org", "export-demo", "--pipeline", "Nowhere");
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("pipeline", unknown.Error, StringComparison.Ordinal);
            Assert.Contains("Nowhere", unknown.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csvFile);
            File.Delete(jsonFile);
        }
    }

    private async Task<List<Deal>> DealsAsync(string slug)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var organisation = await db.Organisations.SingleAsync(o => o.Slug == slug, cancellationToken);
        return await db.Deals.AsNoTracking().Where(d => d.OrganisationId == organisation.Id).ToListAsync(cancellationToken);
    }
}
