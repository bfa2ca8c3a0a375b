using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Leadgate.Web.Cli;

/// <summary>
/// P3 (PRODUCT.md §7): once <c>POST /api/v1/events</c> has acknowledged an event, how long until <c>GET /api/v1/leads/{id}</c>
/// shows the lead's new score and stage. Per sample: a lead made by a download event, then a demo request (a hand-raise)
/// for it; the clock runs from the demo request's answer until a read shows the lead as an MQL with a higher engagement.
/// </summary>
internal static class BenchFreshness
{
    private const double TargetMilliseconds = 1_000;
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(CliContext cli, int samples, CancellationToken cancellationToken)
    {
        if (samples < 1)
        {
            await cli.Console.Error.WriteLineAsync("--samples must be at least 1.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        await using var server = await BenchServer.StartAsync(database.Configuration(cli), cancellationToken);
        using var client = server.Client(1);
        var histogram = new LatencyHistogram();
        var histogramOfAcks = new LatencyHistogram();
        var notVisible = 0;
        var reads = 0L;
        await cli.Console.WithProgressAsync("P3: score freshness", async progress =>
        {
            for (var i = 0; i < samples; i++)
            {
                var email = $"fresh{i}@firm{i}.example.com";
                var first = await PostAsync(client, $"fresh-{i}-a", "ContentDownload", email, cancellationToken);
                var leadId = first.RootElement.GetProperty("results")[0].GetProperty("leadId").GetGuid();
                var before = (await GetLeadAsync(client, leadId, cancellationToken)).Engagement;

                var posted = Stopwatch.GetTimestamp();
                using var _ = await PostAsync(client, $"fresh-{i}-b", "DemoRequest", email, cancellationToken);
                var acknowledged = Stopwatch.GetTimestamp();
                histogramOfAcks.Record(Stopwatch.GetElapsedTime(posted, acknowledged));
                while (true)
                {
                    reads++;
                    var lead = await GetLeadAsync(client, leadId, cancellationToken);
                    var waited = Stopwatch.GetElapsedTime(acknowledged);
                    if (lead.Stage == "Mql" && lead.Engagement > before)
                    {
                        histogram.Record(waited);
                        break;
                    }

                    if (waited > GiveUp)
                    {
                        notVisible++;
                        histogram.Record(waited);
                        break;
                    }
                }

                progress?.Report(100 * (i + 1) / samples);
            }

            return true;
        });

        var p99 = histogram.PercentileMilliseconds(99);
        await BenchReport.PhaseAsync(cli, $"{samples} events: visible after p50 {histogram.PercentileMilliseconds(50):0.0} ms, p99 {p99:0.0} ms ({reads} reads, {notVisible} never within {GiveUp.TotalSeconds:0} s)");
        return await BenchReport.ResultAsync(cli, new
        {
            bench = "freshness",
            samples,
            visibleMs = new
            {
                p50 = BenchReport.Round(histogram.PercentileMilliseconds(50), 2),
                p99 = BenchReport.Round(p99, 2),
                max = BenchReport.Round(histogram.MaxMilliseconds, 2),
            },
            acknowledgedMs = new { p50 = BenchReport.Round(histogramOfAcks.PercentileMilliseconds(50), 2), p99 = BenchReport.Round(histogramOfAcks.PercentileMilliseconds(99), 2) },
            reads,
            notVisible,
            target = new { p99Ms = TargetMilliseconds },
            met = notVisible == 0 && p99 <= TargetMilliseconds,
            loadAverage,
        });
    }

    private static async Task<JsonDocument> PostAsync(HttpClient client, string externalId, string type, string email, CancellationToken cancellationToken)
    {
        var body = string.Create(CultureInfo.InvariantCulture,
            $$"""{"events":[{"externalId":"{{externalId}}","type":"{{type}}","email":"{{email}}","occurredAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}"}]}""");
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/v1/events", UriKind.Relative), content, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(answer) : throw new InvalidOperationException($"POST /api/v1/events answered {(int)response.StatusCode}: {answer}");
    }

    private static async Task<(string Stage, decimal Engagement)> GetLeadAsync(HttpClient client, Guid id, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/leads/{id}", UriKind.Relative), cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /api/v1/leads/{id} answered {(int)response.StatusCode}: {answer}");
        }

        using var json = JsonDocument.Parse(answer);
        return (json.RootElement.GetProperty("stage").GetString() ?? "", json.RootElement.GetProperty("engagementScore").GetDecimal());
    }
}
