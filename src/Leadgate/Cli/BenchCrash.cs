using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Leadgate.Web.Cli;

/// <summary>
/// Bar R1 (PRODUCT.md §7, issue 19): no acknowledged write is lost when the process dies. Each cycle starts the real app as
/// its own process on one SQLite file, retries whatever the last kill left unanswered, checks every event acknowledged
/// so far is stored once, puts ingestion load on it from several clients, and <c>kill -9</c>s it at a random moment;
/// then <c>PRAGMA integrity_check</c> runs on the file as the kill left it. A retried batch carries the same external
/// ids and the same bytes, the events' own idempotency key: an event stored before the kill but not acknowledged is
/// answered as a repeat, never stored twice.
/// </summary>
internal static class BenchCrash
{
    public sealed record Options(int Cycles, int Clients, int Batch, double MaxLoadSeconds, int Seed);

    /// <summary>One request's events, kept byte for byte until the app has acknowledged them.</summary>
    private sealed record Batch(IReadOnlyList<string> ExternalIds, string Body);

    private sealed class Tally
    {
        public readonly ConcurrentDictionary<string, byte> Acknowledged = new(StringComparer.Ordinal);
        public readonly ConcurrentQueue<Batch> Unanswered = new();
        public long Requests;
        public long RetriedBatches;
        public long RepeatsOnRetry;
        public long Lost;
        public long Duplicates;
        public long DuplicateContacts;
        public int IntegrityFailures;
        public int CyclesChecked;
    }

    public static async Task<int> RunAsync(CliContext cli, Options options, CancellationToken cancellationToken)
    {
        if (options.Cycles < 1 || options.Clients < 1 || options.Batch is < 1 or > 1_000 || options.MaxLoadSeconds <= 0)
        {
            await cli.Console.Error.WriteLineAsync("--cycles and --clients must be at least 1, --batch 1 to 1000, --max-load-seconds above 0.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        string apiKey;
        await using (var seeding = await BenchServer.StartAsync(database.Configuration(cli), cancellationToken))
        {
            apiKey = seeding.Tenant.ApiKey;
        }

        SqliteConnection.ClearAllPools();
        var random = new Random(options.Seed);
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        await BenchReport.PhaseAsync(cli, $"{options.Cycles} cycles of start, retry, check, load from {options.Clients} clients, kill -9 within {options.MaxLoadSeconds:0.0} s, integrity_check");

        await cli.Console.WithProgressAsync("R1: kill -9 under load", async progress =>
        {
            for (var cycle = 1; cycle <= options.Cycles + 1; cycle++)
            {
                // The cycle after the last one only recovers: it retries and checks, then stops the app.
                var last = cycle > options.Cycles;
                await using var app = await AppProcess.StartAsync(database.Configuration(cli), cancellationToken);
                using var client = Client(app.Address, apiKey, options.Clients);
                await RetryUnansweredAsync(client, tally, cancellationToken);
                await CheckAsync(database.ConnectionString, tally, cancellationToken);
                if (last)
                {
                    break;
                }

                using var stop = new CancellationTokenSource();
                var run = string.Create(CultureInfo.InvariantCulture, $"c{cycle}");
                var loaders = Enumerable.Range(0, options.Clients)
                    .Select(number => Task.Run(() => LoadAsync(client, tally, options.Batch, $"{run}-{number}", stop.Token), cancellationToken))
                    .ToList();
                await Task.Delay(TimeSpan.FromSeconds(0.05 + random.NextDouble() * options.MaxLoadSeconds), cancellationToken);
                app.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(loaders);

                if (await IntegrityAsync(database.ConnectionString, cancellationToken) != "ok")
                {
                    tally.IntegrityFailures++;
                }

                progress?.Report(100 * cycle / options.Cycles);
            }

            return 0;
        });

        clock.Stop();
        var met = tally.Lost == 0 && tally.Duplicates == 0 && tally.DuplicateContacts == 0 && tally.IntegrityFailures == 0 && tally.Unanswered.IsEmpty;
        await BenchReport.PhaseAsync(cli, $"{tally.Acknowledged.Count:N0} events acknowledged in {tally.Requests:N0} requests; {tally.RetriedBatches:N0} batches retried after a kill, {tally.RepeatsOnRetry:N0} of their events already stored; lost {tally.Lost}, duplicates {tally.Duplicates}, integrity failures {tally.IntegrityFailures}");
        return await BenchReport.ResultAsync(cli, new
        {
            bench = "crash",
            cycles = options.Cycles,
            clients = options.Clients,
            seconds = BenchReport.Round(clock.Elapsed.TotalSeconds, 1),
            requests = tally.Requests,
            acknowledgedEvents = tally.Acknowledged.Count,
            retriedBatches = tally.RetriedBatches,
            repeatsOnRetry = tally.RepeatsOnRetry,
            lost = tally.Lost,
            duplicates = tally.Duplicates,
            duplicateContacts = tally.DuplicateContacts,
            integrityFailures = tally.IntegrityFailures,
            checks = tally.CyclesChecked,
            target = new { lost = 0, duplicates = 0, integrityFailures = 0 },
            met,
            loadAverage,
        });
    }

    private static HttpClient Client(Uri address, string apiKey, int connections)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseCookies = false })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Sends new batches until told to stop; a batch without an answer (the kill) waits for the next cycle's retry.</summary>
    private static async Task LoadAsync(HttpClient client, Tally tally, int size, string run, CancellationToken stop)
    {
        for (var number = 0; !stop.IsCancellationRequested; number++)
        {
            var batch = NewBatch(run, number, size);
            if (!await SendAsync(client, batch, tally, retry: false))
            {
                tally.Unanswered.Enqueue(batch);
                return;
            }
        }
    }

    private static async Task RetryUnansweredAsync(HttpClient client, Tally tally, CancellationToken cancellationToken)
    {
        var count = tally.Unanswered.Count;
        for (var i = 0; i < count && tally.Unanswered.TryDequeue(out var batch); i++)
        {
            tally.RetriedBatches++;
            var attempt = 0;
            while (!await SendAsync(client, batch, tally, retry: true))
            {
                if (++attempt == 20)
                {
                    throw new InvalidOperationException("A retried batch got no answer from the restarted app twenty times.");
                }

                await Task.Delay(100 * attempt, cancellationToken);
            }
        }
    }

    /// <summary>True when the app answered 200 for every event of the batch (stored now, or already stored before).</summary>
    private static async Task<bool> SendAsync(HttpClient client, Batch batch, Tally tally, bool retry)
    {
        Interlocked.Increment(ref tally.Requests);
        try
        {
            using var content = new StringContent(batch.Body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri("/api/v1/events", UriKind.Relative), content);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"POST /api/v1/events answered {(int)response.StatusCode}: {body}");
            }

            using var json = JsonDocument.Parse(body);
            var stored = json.RootElement.GetProperty("stored").GetInt32();
            var repeats = json.RootElement.GetProperty("repeats").GetInt32();
            if (stored + repeats != batch.ExternalIds.Count)
            {
                throw new InvalidOperationException($"A batch of {batch.ExternalIds.Count} events was answered with {stored} stored and {repeats} repeats.");
            }

            if (retry)
            {
                Interlocked.Add(ref tally.RepeatsOnRetry, repeats);
            }

            foreach (var id in batch.ExternalIds)
            {
                tally.Acknowledged.TryAdd(id, 0);
            }

            return true;
        }
        catch (HttpRequestException)
        {
            return false; // refused or reset: the process is gone
        }
        catch (TaskCanceledException)
        {
            return false; // the client's timeout
        }
    }

    private static Batch NewBatch(string run, int number, int size)
    {
        var ids = new List<string>(size);
        var body = new StringBuilder("""{"events":[""");
        var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        for (var i = 0; i < size; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{run}-{number}-{i}");
            ids.Add(id);
            // People repeat across batches, clients and cycles, so a lost or doubled lead shows as well as a lost event.
            var person = (number * size + i) % 500;
            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"externalId":"{{id}}","type":"PageVisit","email":"person{{person}}@crash{{person % 50}}.example.com","occurredAt":"{{occurredAt}}"}""");
        }

        return new Batch(ids, body.Append("]}").ToString());
    }

    /// <summary>Every event acknowledged so far is stored, none twice, and no person has two contacts.</summary>
    private static async Task CheckAsync(string connectionString, Tally tally, CancellationToken cancellationToken)
    {
        var stored = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0;
        await using var connection = new SqliteConnection(connectionString + ";Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT ExternalId FROM BehaviourEvents";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows++;
                stored.Add(reader.GetString(0));
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT COUNT(*) FROM (SELECT Email FROM Contacts GROUP BY OrganisationId, Email HAVING COUNT(*) > 1)";
            tally.DuplicateContacts = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        tally.Lost = tally.Acknowledged.Keys.Count(id => !stored.Contains(id));
        tally.Duplicates = rows - stored.Count;
        tally.CyclesChecked++;
    }

    private static async Task<string> IntegrityAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString + ";Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The app as its own process (the <c>leadgate</c> beside this assembly), on a free loopback port.</summary>
    internal sealed class AppProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _errors = new();

        private AppProcess(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<AppProcess> StartAsync(IReadOnlyList<string> configuration, CancellationToken cancellationToken)
        {
            var port = FreePort();
            var folder = Path.GetDirectoryName(typeof(Server).Assembly.Location)!;
            var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "leadgate.exe" : "leadgate");
            var start = new ProcessStartInfo(File.Exists(apphost) ? apphost : "dotnet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            };
            if (!File.Exists(apphost))
            {
                start.ArgumentList.Add(typeof(Server).Assembly.Location);
            }

            foreach (var argument in (string[])["--RateLimits:Api:PermitLimit=1000000000", .. configuration,
                         "--Logging:LogLevel:Default=Warning", $"--urls=http://127.0.0.1:{port}"])
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            var process = Process.Start(start) ?? throw new InvalidOperationException("The app did not start.");
            var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}"));
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, line) =>
            {
                lock (app._errors)
                {
                    app._errors.AppendLine(line.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await app.WaitUntilListeningAsync(cancellationToken);
            return app;
        }

        /// <summary>The process's resident memory now and at its peak (VmRSS, VmHWM from /proc on Linux), in MB; zeros elsewhere.</summary>
        public (double RssMB, double HwmMB) Memory()
        {
            try
            {
                var lines = File.ReadAllLines($"/proc/{_process.Id}/status");
                double Read(string name) => lines.Where(l => l.StartsWith(name, StringComparison.Ordinal))
                    .Select(l => double.Parse(l[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
                return (Read("VmRSS:"), Read("VmHWM:"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return (0, 0);
            }
        }

        /// <summary>SIGKILL: no shutdown, no flush, no checkpoint.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
        {
            using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (_process.HasExited)
                {
                    break;
                }

                try
                {
                    using var response = await probe.GetAsync(new Uri("/api/v1/leads?limit=1", UriKind.Relative), cancellationToken);
                    return; // any answer: Kestrel listens, and it starts after the migrations and hosted services
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(50, cancellationToken);
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }

            string errors;
            lock (_errors)
            {
                errors = _errors.ToString();
            }

            throw new InvalidOperationException($"The app did not answer on {Address} (exited: {_process.HasExited}). Its error output:\n{errors}");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
