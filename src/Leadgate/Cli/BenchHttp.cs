using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Leadgate.Web.Cli;

/// <summary>
/// P2 (PRODUCT.md §7): single-event <c>POST /api/v1/events</c> over loopback with many connections, against the real app on
/// Kestrel. Driven by <c>wrk</c> (Debian's package) when it is installed, else by an in-process HttpClient load generator.
/// </summary>
internal static class BenchHttp
{
    private const double TargetRequestsPerSecond = 5_000;
    private const double TargetP99Milliseconds = 25;

    public sealed record Options(int Seconds, int Connections, int Warmup, int Leads, string Generator);

    internal sealed record Load(string Generator, long Requests, long Errors, TimeSpan Elapsed, double P50, double P90, double P99, double Max);

    public static async Task<int> RunAsync(CliContext cli, Options options, CancellationToken cancellationToken)
    {
        if (options.Seconds < 1 || options.Connections < 1 || options.Warmup < 0 || options.Leads < 1 || options.Generator is not ("auto" or "wrk" or "inprocess"))
        {
            await cli.Console.Error.WriteLineAsync("--seconds, --connections and --leads must be at least 1, --warmup at least 0, --generator auto, wrk or inprocess.");
            return ExitCodes.InvalidInput;
        }

        var wrk = options.Generator == "inprocess" ? null : FindOnPath("wrk");
        if (options.Generator == "wrk" && wrk is null)
        {
            await cli.Console.Error.WriteLineAsync("wrk is not installed (apt-get install wrk); use --generator inprocess.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        await using var server = await BenchServer.StartAsync(database.Configuration(cli), cancellationToken);
        var run = Guid.NewGuid().ToString("N")[..8];
        await BenchReport.PhaseAsync(cli, $"app on {server.Address}; {options.Connections} connections, {options.Warmup} s warm-up, {options.Seconds} s measured, generator {(wrk is null ? "in-process" : wrk)}");

        Load load;
        if (wrk is not null)
        {
            if (options.Warmup > 0)
            {
                await WrkAsync(wrk, server, options with { Seconds = options.Warmup }, run + "w", cancellationToken);
            }

            load = await WrkAsync(wrk, server, options, run, cancellationToken);
        }
        else
        {
            using var client = server.Client(options.Connections);
            if (options.Warmup > 0)
            {
                await InProcessAsync(client, options with { Seconds = options.Warmup }, run + "w", cancellationToken);
            }

            load = await cli.Console.WithProgressAsync("P2: single-event POSTs", progress => InProcessAsync(client, options, run, cancellationToken, progress));
        }

        var perSecond = BenchReport.PerSecond(load.Requests, load.Elapsed);
        await BenchReport.PhaseAsync(cli, $"{load.Requests:N0} requests in {load.Elapsed.TotalSeconds:0.0} s ({perSecond:N0}/s), p50 {load.P50:0.0} ms, p99 {load.P99:0.0} ms, {load.Errors} errors");
        return await BenchReport.ResultAsync(cli, new
        {
            bench = "http",
            generator = load.Generator,
            connections = options.Connections,
            seconds = BenchReport.Round(load.Elapsed.TotalSeconds, 2),
            requests = load.Requests,
            requestsPerSecond = perSecond,
            latencyMs = new { p50 = BenchReport.Round(load.P50, 2), p90 = BenchReport.Round(load.P90, 2), p99 = BenchReport.Round(load.P99, 2), max = BenchReport.Round(load.Max, 2) },
            errors = load.Errors,
            target = new { requestsPerSecond = TargetRequestsPerSecond, p99Ms = TargetP99Milliseconds, errors = 0 },
            met = perSecond >= TargetRequestsPerSecond && load.P99 <= TargetP99Milliseconds && load.Errors == 0,
            loadAverage,
        });
    }

    /// <summary>One event, by e-mail, for one of <paramref name="leads"/> people: the first event of a person creates the lead.</summary>
    internal static string EventBody(string run, long number, int leads) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"events":[{"externalId":"{{run}}-{{number}}","type":"PageVisit","email":"person{{number % leads}}@firm{{number % leads / 4}}.example.com","occurredAt":"{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}"}]}""");

    private static async Task<Load> InProcessAsync(HttpClient client, Options options, string run, CancellationToken cancellationToken, IProgress<int>? progress = null)
    {
        var histogram = new LatencyHistogram();
        long errors = 0, number = 0;
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var clock = Stopwatch.StartNew();
        var events = new Uri("/api/v1/events", UriKind.Relative);

        async Task ConnectionAsync()
        {
            while (clock.Elapsed < duration)
            {
                var body = EventBody(run, Interlocked.Increment(ref number), options.Leads);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                    using var response = await client.PostAsync(events, content, cancellationToken);
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors); // the client's timeout
                }

                histogram.Record(Stopwatch.GetElapsedTime(started));
            }
        }

        var connections = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(ConnectionAsync, cancellationToken)).ToList();
        while (!Task.WhenAll(connections).IsCompleted)
        {
            progress?.Report((int)Math.Min(100, 100 * clock.Elapsed / duration));
            await Task.WhenAny(Task.WhenAll(connections), Task.Delay(200, cancellationToken));
        }

        await Task.WhenAll(connections);
        clock.Stop();
        return new Load("in-process HttpClient", histogram.Count, errors, clock.Elapsed,
            histogram.PercentileMilliseconds(50), histogram.PercentileMilliseconds(90), histogram.PercentileMilliseconds(99), histogram.MaxMilliseconds);
    }

    private static async Task<Load> WrkAsync(string wrk, BenchServer server, Options options, string run, CancellationToken cancellationToken)
    {
        var script = Path.Combine(Path.GetTempPath(), $"leadgate-bench-{run}.lua");
        await File.WriteAllTextAsync(script, WrkScript, cancellationToken);
        try
        {
            var start = new ProcessStartInfo(wrk)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "-t", Math.Min(Environment.ProcessorCount, options.Connections).ToString(CultureInfo.InvariantCulture),
                "-c", options.Connections.ToString(CultureInfo.InvariantCulture),
                "-d", options.Seconds.ToString(CultureInfo.InvariantCulture) + "s",
                "--timeout", "10s",
                "-s", script,
                new Uri(server.Address, "/api/v1/events").ToString(),
                "--", server.Tenant.ApiKey, run, options.Leads.ToString(CultureInfo.InvariantCulture),
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0
                ? ParseWrk(await output)
                : throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await error}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Reads the line the script's <c>done</c> writes: <c>leadgate-bench {json}</c>, latencies in microseconds.</summary>
    internal static Load ParseWrk(string output)
    {
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("leadgate-bench ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("wrk printed no result line:\n" + output);
        using var json = JsonDocument.Parse(line["leadgate-bench ".Length..]);
        var root = json.RootElement;
        double Ms(string name) => root.GetProperty(name).GetDouble() / 1000;
        return new Load("wrk", root.GetProperty("requests").GetInt64(), root.GetProperty("errors").GetInt64(),
            TimeSpan.FromMicroseconds(root.GetProperty("durationUs").GetDouble()), Ms("p50Us"), Ms("p90Us"), Ms("p99Us"), Ms("maxUs"));
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);

    /// <summary>
    /// wrk's script: a unique external id per request (run, thread, counter), one event by e-mail, the key as a bearer;
    /// scripts/bench-http.sh uses the same script against a running app.
    /// </summary>
    internal const string WrkScript = """
        -- args: API key, run id, number of people
        local threads = {}
        function setup(thread)
          thread:set("tid", #threads + 1)
          table.insert(threads, thread)
        end
        function init(args)
          key, run, leads = args[1], args[2], tonumber(args[3] or "10000")
          counter = 0
          wrk.method = "POST"
          wrk.headers["Content-Type"] = "application/json"
          wrk.headers["Authorization"] = "Bearer " .. key
          occurred = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 60)
        end
        function request()
          counter = counter + 1
          local person = (counter * 7919 + tid) % leads
          local body = string.format('{"events":[{"externalId":"%s-%d-%d","type":"PageVisit","email":"person%d@firm%d.example.com","occurredAt":"%s"}]}',
            run, tid, counter, person, math.floor(person / 4), occurred)
          return wrk.format(nil, nil, nil, body)
        end
        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format('leadgate-bench {"requests":%d,"errors":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\n',
            summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
            latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
        end
        """;
}
