using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Leadgate.Data;
using Leadgate.Scoring;
using Microsoft.Data.Sqlite;

namespace Leadgate.Web.Cli;

/// <summary>
/// P1 (PRODUCT.md §7): bulk event ingestion, scored, stage changes applied, on SQLite. The same generated events go
/// through the <see cref="RecordEvents"/> use case in-process (as the CLI would call it) and through
/// <c>POST /api/v1/events</c> on Kestrel, each on a fresh database, in batches; then the rows they stored are written by a
/// raw ADO.NET prepared, batched insert into a third fresh database: the baseline, measured in the same run.
/// </summary>
internal static class BenchIngest
{
    public const string BaselineName = "raw ADO.NET prepared batched insert";
    public const string WriteSetName = "raw ADO.NET prepared writes of everything ingestion wrote";
    private const double TargetEventsPerSecond = 50_000;
    private const double TargetRatio = 0.4;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static readonly string[] Columns = ["Id", "OrganisationId", "LeadId", "ExternalId", "Type", "OccurredAt", "Properties", "ReceivedAt", "BodyHash"];

    public sealed record Options(int Events, int Batch, int Leads, bool Http, int Clients = 1);

    private sealed record PathResult(string Name, bool Bar, int Events, double Seconds, double EventsPerSecond, double CpuSeconds, double EventsPerCpuSecond, int Stored, int CreatedLeads, int Qualified, IReadOnlyList<object> DatabaseTime);

    public static async Task<int> RunAsync(CliContext cli, Options options, CancellationToken cancellationToken)
    {
        if (options.Events < 1 || options.Batch is < 1 or > RecordEvents.MaxBatch || options.Leads < 1 || options.Clients is < 1 or > 256)
        {
            await cli.Console.Error.WriteLineAsync($"--events and --leads must be at least 1, --batch 1 to {RecordEvents.MaxBatch:N0}, --clients 1 to 256.");
            return ExitCodes.InvalidInput;
        }

        var load = BenchReport.LoadAverage();
        var now = DateTimeOffset.UtcNow;
        var events = Generate("bench", options.Events, options.Leads, now);
        // The first batches of a process pay for JIT and EF's query compilation; each path is warmed up on other people first.
        var warmUp = Generate("warm", Math.Min(options.Events, 2_000), Math.Min(options.Leads, 200), now);
        var paths = new List<PathResult>();
        List<object?[]> rows;
        WriteSet writeSet;

        await using (var database = new BenchDatabase())
        {
            paths.Add(await UseCaseAsync(cli, database, warmUp, events, options, cancellationToken));
            rows = await ReadStoredRowsAsync(database.ConnectionString, cancellationToken);
            writeSet = await WriteSet.ReadAsync(database.ConnectionString, cancellationToken);
        }

        if (options.Http)
        {
            await using var database = new BenchDatabase();
            paths.Add(await HttpAsync(cli, database, warmUp, events, options, cancellationToken));
        }

        await using (var database = new BenchDatabase())
        {
            paths.Add(await CliAsync(cli, database, warmUp, events, cancellationToken));
        }

        (int Rows, TimeSpan Elapsed, TimeSpan Cpu) baseline;
        await using (var database = new BenchDatabase())
        {
            await (await CliServices.StartAsync(database.Configuration(cli), cancellationToken)).DisposeAsync();
            baseline = await cli.Console.WithProgressAsync("Baseline: raw insert", progress =>
                RawInsertAsync(database.ConnectionString, rows, options.Batch, progress, cancellationToken));
        }

        (int Events, int Leads, TimeSpan Elapsed, TimeSpan Cpu) ceiling;
        await using (var database = new BenchDatabase())
        {
            await (await CliServices.StartAsync(database.Configuration(cli), cancellationToken)).DisposeAsync();
            ceiling = await cli.Console.WithProgressAsync("Ceiling: raw writes of the same rows and updates", progress =>
                writeSet.ReplayAsync(database.ConnectionString, options.Batch, progress, cancellationToken));
        }

        var ceilingPerSecond = BenchReport.PerSecond(ceiling.Events, ceiling.Elapsed);
        await BenchReport.PhaseAsync(cli, $"{WriteSetName}: {ceiling.Events:N0} events' writes in {ceiling.Elapsed.TotalSeconds:0.00} s ({ceilingPerSecond:N0} events/s)");
        var baselinePerSecond = BenchReport.PerSecond(baseline.Rows, baseline.Elapsed);
        var baselinePerCpuSecond = BenchReport.PerSecond(baseline.Rows, baseline.Cpu);
        await BenchReport.PhaseAsync(cli, $"{BaselineName}: {baseline.Rows:N0} rows in {baseline.Elapsed.TotalSeconds:0.00} s ({baselinePerSecond:N0}/s)");

        // The bar names the batch API and the CLI and holds for both, so the headline is the slower of those. The use case
        // called in-process with the API's batches is the cost of recording alone, without HTTP: shown, not the bar's.
        var slowest = paths.Where(p => p.Bar).MinBy(p => p.EventsPerSecond)!;
        var ratio = baselinePerSecond > 0 ? BenchReport.Round(slowest.EventsPerSecond / baselinePerSecond, 3) : 0;
        return await BenchReport.ResultAsync(cli, new
        {
            bench = "ingest",
            events = options.Events,
            leads = options.Leads,
            batch = options.Batch,
            clients = options.Clients,
            seconds = slowest.Seconds,
            eventsPerSecond = slowest.EventsPerSecond,
            slowestPath = slowest.Name,
            paths,
            baseline = new
            {
                name = BaselineName,
                rows = baseline.Rows,
                seconds = BenchReport.Round(baseline.Elapsed.TotalSeconds, 3),
                eventsPerSecond = baselinePerSecond,
                cpuSeconds = BenchReport.Round(baseline.Cpu.TotalSeconds, 3),
                eventsPerCpuSecond = baselinePerCpuSecond,
            },
            ratio,
            // Not the bar's baseline: the same writes as the product made (new leads' rows, events, one score update per
            // touched lead per batch), raw, in batches of the same size. What this schema and SQLite allow at best.
            writeSet = new
            {
                name = WriteSetName,
                events = ceiling.Events,
                leads = ceiling.Leads,
                seconds = BenchReport.Round(ceiling.Elapsed.TotalSeconds, 3),
                eventsPerSecond = ceilingPerSecond,
                cpuSeconds = BenchReport.Round(ceiling.Cpu.TotalSeconds, 3),
                eventsPerCpuSecond = BenchReport.PerSecond(ceiling.Events, ceiling.Cpu),
                ratio = ceilingPerSecond > 0 ? BenchReport.Round(slowest.EventsPerSecond / ceilingPerSecond, 3) : 0,
            },
            // The same comparison in CPU time: steadier than the wall-clock ratio when other work shares the machine.
            cpuRatio = baselinePerCpuSecond > 0 ? BenchReport.Round(slowest.EventsPerCpuSecond / baselinePerCpuSecond, 3) : 0,
            loadAverage = load,
            target = new { eventsPerSecond = TargetEventsPerSecond, ratio = TargetRatio },
            met = slowest.EventsPerSecond >= TargetEventsPerSecond && ratio >= TargetRatio,
        });
    }

    /// <summary>
    /// Deterministic events spread at random over <paramref name="leads"/> people (by e-mail: the first event of each
    /// creates its lead), mostly page visits and downloads, 3% hand-raises, over the last 90 days.
    /// </summary>
    internal static EventInput[] Generate(string prefix, int count, int leads, DateTimeOffset now)
    {
        (BehaviourType Type, int Weight)[] mix =
        [
            (BehaviourType.PageVisit, 60), (BehaviourType.ContentDownload, 20), (BehaviourType.FormSubmit, 8), (BehaviourType.Webinar, 5),
            (BehaviourType.NewsletterSignup, 4), (BehaviourType.EmailReply, 2), (BehaviourType.DemoRequest, 1),
        ];
        var page = JsonDocument.Parse("""{"page":"/pricing"}""").RootElement.Clone();
        var random = new Random(42);
        var events = new EventInput[count];
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            var type = mix.SkipWhile(m => (roll -= m.Weight) >= 0).First().Type;
            var person = random.Next(leads);
            events[i] = new EventInput
            {
                ExternalId = $"{prefix}-{i}",
                Type = type.ToString(),
                Email = $"{prefix}{person}@firm{person / 4}.example.com",
                OccurredAt = now.AddSeconds(-random.Next(90 * 24 * 3600)),
                Properties = type == BehaviourType.PageVisit ? page : null,
            };
        }

        return events;
    }

    private static async Task<PathResult> UseCaseAsync(CliContext cli, BenchDatabase database, EventInput[] warmUp, EventInput[] events, Options options, CancellationToken cancellationToken)
    {
        await using var app = await CliServices.StartAsync(database.Configuration(cli), cancellationToken);
        var tenant = await BenchTenant.SeedAsync(app.Services, cancellationToken);
        async Task<RecordedEvents> RecordAsync(EventInput[] batch)
        {
            // A scope (and DbContext) per batch, as a request or a CLI call gets one.
            await using var scope = app.Services.CreateAsyncScope();
            var recorded = await scope.ServiceProvider.GetRequiredService<RecordEvents>().HandleAsync(new RecordEventsRequest { Events = batch }, tenant.Actor, cancellationToken);
            return recorded.Error is { } error ? throw new InvalidOperationException($"A batch was refused: {error.Message}") : recorded.Value;
        }

        foreach (var batch in warmUp.Chunk(options.Batch))
        {
            await RecordAsync(batch);
        }

        var (stored, created, qualified) = (0, 0, 0);
        using var profile = new BenchProfile();
        var clock = BenchClock.Start();
        await cli.Console.WithProgressAsync("P1: RecordEvents in-process", async progress =>
        {
            for (var start = 0; start < events.Length; start += options.Batch)
            {
                var recorded = await RecordAsync(events[start..Math.Min(events.Length, start + options.Batch)]);
                (stored, created, qualified) = (stored + recorded.Stored, created + recorded.CreatedLeads.Count, qualified + recorded.Qualified.Count);
                progress?.Report((int)(100L * Math.Min(events.Length, start + options.Batch) / events.Length));
            }

            return true;
        });
        clock.Stop();
        return await PathAsync(cli, "RecordEvents use case, in-process", bar: false, events.Length, clock, stored, created, qualified, profile);
    }

    private static async Task<PathResult> HttpAsync(CliContext cli, BenchDatabase database, EventInput[] warmUp, EventInput[] events, Options options, CancellationToken cancellationToken)
    {
        await using var server = await BenchServer.StartAsync(database.Configuration(cli), cancellationToken);
        using var client = server.Client(options.Clients);
        // The client's serialising is not the server's work: every body is made before the clock starts.
        List<byte[]> Bodies(EventInput[] all) => [.. all.Chunk(options.Batch).Select(batch => JsonSerializer.SerializeToUtf8Bytes(new RecordEventsRequest { Events = batch }, Json))];
        var bodies = Bodies(events);
        foreach (var body in Bodies(warmUp))
        {
            using var _ = await PostAsync(client, body, cancellationToken);
        }

        // Each client sends its share of the requests one after the other, as a loader with that many connections would;
        // the server's group commit (EventWriter) records what arrives together in one transaction.
        var (stored, created, qualified, done) = (0, 0, 0, 0);
        using var profile = new BenchProfile();
        var clock = BenchClock.Start();
        await cli.Console.WithProgressAsync("P1: POST /api/v1/events", async progress =>
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < bodies.Count; i = Interlocked.Increment(ref next))
                {
                    using var json = await PostAsync(client, bodies[i], cancellationToken);
                    Interlocked.Add(ref stored, json.RootElement.GetProperty("stored").GetInt32());
                    Interlocked.Add(ref created, json.RootElement.GetProperty("createdLeads").GetArrayLength());
                    Interlocked.Add(ref qualified, json.RootElement.GetProperty("qualified").GetArrayLength());
                    progress?.Report(100 * Interlocked.Increment(ref done) / bodies.Count);
                }
            }, cancellationToken)));
            return true;
        });
        clock.Stop();
        var name = options.Clients == 1 ? "POST /api/v1/events on Kestrel (loopback, one client)" : $"POST /api/v1/events on Kestrel (loopback, {options.Clients} clients at once)";
        return await PathAsync(cli, name, bar: true, events.Length, clock, stored, created, qualified, profile);
    }

    private static async Task<JsonDocument> PostAsync(HttpClient client, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri("/api/v1/events", UriKind.Relative), content, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(answer) : throw new InvalidOperationException($"A batch was answered {(int)response.StatusCode}: {answer}");
    }

    /// <summary>
    /// <c>leadgate import events</c>: the events written as a file (one JSON object per line) before the clock starts, then
    /// recorded by the verb's use case, <see cref="ImportEvents"/>, as the import actor, exactly as the command runs it.
    /// </summary>
    private static async Task<PathResult> CliAsync(CliContext cli, BenchDatabase database, EventInput[] warmUp, EventInput[] events, CancellationToken cancellationToken)
    {
        await using var app = await CliServices.StartAsync(database.Configuration(cli), cancellationToken);
        var tenant = await BenchTenant.SeedAsync(app.Services, cancellationToken);
        var actor = Leadgate.Accounts.Actor.ForImport(tenant.OrganisationId);
        async Task<string> FileAsync(string name, EventInput[] all)
        {
            var path = Path.Combine(database.Folder, name);
            await File.WriteAllLinesAsync(path, all.Select(e => JsonSerializer.Serialize(e, Json)), cancellationToken);
            return path;
        }

        async Task<ImportedEvents> ImportAsync(string path, IProgress<int>? progress)
        {
            await using var scope = app.Services.CreateAsyncScope();
            await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var imported = await scope.ServiceProvider.GetRequiredService<ImportEvents>().HandleAsync(content, actor, progress, cancellationToken);
            return imported.Error is { } error ? throw new InvalidOperationException($"The import was refused: {error.Message}")
                : imported.Value.BadLines > 0 ? throw new InvalidOperationException($"The import found {imported.Value.BadLines} bad lines.")
                : imported.Value;
        }

        await ImportAsync(await FileAsync("warm.ndjson", warmUp), null);
        var file = await FileAsync("events.ndjson", events);
        using var profile = new BenchProfile();
        var clock = BenchClock.Start();
        var outcome = await cli.Console.WithProgressAsync("P1: leadgate import events", progress => ImportAsync(file, progress));
        clock.Stop();
        return await PathAsync(cli, $"leadgate import events (CLI: {RecordEvents.MaxBatch:N0} a batch, {ImportEvents.BatchesPerTransaction} batches a transaction)", bar: true,
            events.Length, clock, outcome.Stored, outcome.CreatedLeads, outcome.Qualified, profile);
    }

    private static async Task<PathResult> PathAsync(CliContext cli, string name, bool bar, int events, BenchClock clock, int stored, int created, int qualified, BenchProfile profile)
    {
        var elapsed = clock.Elapsed;
        var perSecond = BenchReport.PerSecond(events, elapsed);
        await BenchReport.PhaseAsync(cli, $"{name}: {events:N0} events in {elapsed.TotalSeconds:0.00} s ({perSecond:N0}/s); {stored:N0} stored, {created:N0} leads created, {qualified:N0} became MQL");
        return new PathResult(name, bar, events, BenchReport.Round(elapsed.TotalSeconds, 3), perSecond, BenchReport.Round(clock.Cpu.TotalSeconds, 3), BenchReport.PerSecond(events, clock.Cpu),
            stored, created, qualified, profile.Kinds(elapsed));
    }

    /// <summary>The behaviour-event rows exactly as the product stored them, for the baseline to write again.</summary>
    private static async Task<List<object?[]>> ReadStoredRowsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", Columns)} FROM BehaviourEvents WHERE ExternalId NOT LIKE 'warm-%' ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[Columns.Length];
            reader.GetValues(row!);
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// The baseline: one prepared INSERT with parameters, reused for every row; one transaction per batch; the same
    /// pragmas as the product's connections (WAL, synchronous=NORMAL), into the same table with the same indexes. Foreign
    /// keys are left off, as there are no leads in this database: the baseline is the cost of writing the rows alone.
    /// </summary>
    internal static async Task<(int Rows, TimeSpan Elapsed, TimeSpan Cpu)> RawInsertAsync(
        string connectionString, IReadOnlyList<object?[]> rows, int batch, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL is made of the fixed column names above, never of input.
        insert.CommandText = $"INSERT INTO BehaviourEvents ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => "$" + c))})";
#pragma warning restore CA2100
        var parameters = Columns.Select(c => insert.Parameters.Add(new SqliteParameter("$" + c, null))).ToArray();

        var clock = BenchClock.Start();
        var written = 0;
        for (var start = 0; start < rows.Count; start += batch)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            insert.Transaction = transaction;
            if (start == 0)
            {
                insert.Prepare();
            }

            for (var i = start; i < Math.Min(rows.Count, start + batch); i++)
            {
                for (var c = 0; c < parameters.Length; c++)
                {
                    parameters[c].Value = rows[i][c] ?? DBNull.Value;
                }

                written += insert.ExecuteNonQuery(); // Microsoft.Data.Sqlite is synchronous underneath: the async call only adds overhead.
            }

            await transaction.CommitAsync(cancellationToken);
            progress?.Report((int)(100L * Math.Min(rows.Count, start + batch) / rows.Count));
        }

        clock.Stop();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM BehaviourEvents";
        var counted = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return (written == counted ? counted : throw new InvalidOperationException($"The baseline wrote {written} rows but the table holds {counted}."), clock.Elapsed, clock.Cpu);
    }

    /// <summary>
    /// Everything the product wrote for the measured events, read back from its database: the event rows, and per lead the
    /// company, contact, lead and stage-event rows that creating it wrote. Replayed raw, it gives the cost of the writes
    /// alone for this schema: the product's ceiling.
    /// </summary>
    internal sealed class WriteSet
    {
        private static readonly string[] Parents = ["Companies", "Contacts", "Leads", "StageEvents"];

        private readonly List<object?[]> _events = [];
        private readonly Dictionary<string, (string[] Columns, Dictionary<string, List<object?[]>> Rows)> _tables = [];
        private readonly Dictionary<string, (byte[] Key, string Contact, string? Company, double Engagement)> _leads = [];

        public static async Task<WriteSet> ReadAsync(string connectionString, CancellationToken cancellationToken)
        {
            var set = new WriteSet();
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            foreach (var table in Parents)
            {
                // Keyed by what the replay looks them up by: companies, contacts and leads by id, stage events by lead.
                var key = table == "StageEvents" ? "LeadId" : "Id";
                await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // One of the fixed table names above, never input.
                command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
#pragma warning restore CA2100
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
                var rows = new Dictionary<string, List<object?[]>>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var row = new object?[columns.Length];
                    reader.GetValues(row!);
                    var id = KeyOf(row[Array.IndexOf(columns, key)]);
                    (rows.TryGetValue(id, out var list) ? list : rows[id] = []).Add(row);
                    if (table == "Leads")
                    {
                        set._leads[id] = ((byte[])row[Array.IndexOf(columns, "Id")]!, KeyOf(row[Array.IndexOf(columns, "ContactId")]), row[Array.IndexOf(columns, "CompanyId")] is byte[] company ? KeyOf(company) : null, Convert.ToDouble(row[Array.IndexOf(columns, "EngagementScore")], System.Globalization.CultureInfo.InvariantCulture));
                    }
                }

                set._tables[table] = (columns, rows);
            }

            set._events.AddRange(await ReadStoredRowsAsync(connectionString, cancellationToken));
            return set;
        }

        /// <summary>Batch by batch: a new lead's rows before its first event, the events, one score update per lead the batch touched again.</summary>
        public async Task<(int Events, int Leads, TimeSpan Elapsed, TimeSpan Cpu)> ReplayAsync(string connectionString, int batch, IProgress<int>? progress, CancellationToken cancellationToken)
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;";
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }

            var inserts = Parents.Append("BehaviourEvents").ToDictionary(t => t, t => Insert(connection, t, t == "BehaviourEvents" ? Columns : _tables[t].Columns));
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE Leads SET EngagementScore = $engagement, ScoredAt = $at, Version = Version + 1 WHERE Id = $id";
            var (engagement, at, id) = (update.Parameters.Add(new SqliteParameter("$engagement", 0.0)), update.Parameters.Add(new SqliteParameter("$at", 0L)), update.Parameters.Add(new SqliteParameter("$id", Array.Empty<byte>())));
            var written = new HashSet<string>(StringComparer.Ordinal);
            var leads = 0;
            var clock = BenchClock.Start();
            for (var start = 0; start < _events.Count; start += batch)
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
                foreach (var command in inserts.Values.Append(update))
                {
                    command.Transaction = transaction;
                }

                var touched = new HashSet<string>(StringComparer.Ordinal);
                foreach (var row in _events.Skip(start).Take(batch))
                {
                    var lead = KeyOf(row[Array.IndexOf(Columns, "LeadId")]);
                    if (written.Add(lead))
                    {
                        leads++;
                        var (contact, company) = (_leads[lead].Contact, _leads[lead].Company);
                        if (company is not null && written.Add(company))
                        {
                            Run(inserts["Companies"], _tables["Companies"].Rows[company]);
                        }

                        Run(inserts["Contacts"], _tables["Contacts"].Rows[contact]);
                        Run(inserts["Leads"], _tables["Leads"].Rows[lead]);
                        Run(inserts["StageEvents"], _tables["StageEvents"].Rows.GetValueOrDefault(lead) ?? []);
                    }
                    else
                    {
                        touched.Add(lead);
                    }

                    Run(inserts["BehaviourEvents"], [row]);
                }

                foreach (var lead in touched)
                {
                    (engagement.Value, at.Value, id.Value) = (_leads[lead].Engagement, DateTimeOffset.UtcNow.UtcTicks, _leads[lead].Key);
                    update.ExecuteNonQuery();
                }

                await transaction.CommitAsync(cancellationToken);
                progress?.Report((int)(100L * Math.Min(_events.Count, start + batch) / _events.Count));
            }

            clock.Stop();
            foreach (var command in inserts.Values)
            {
                await command.DisposeAsync();
            }

            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT (SELECT COUNT(*) FROM Leads) * 10000000 + (SELECT COUNT(*) FROM BehaviourEvents)";
            var counted = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            return counted == leads * 10_000_000L + _events.Count
                ? (_events.Count, leads, clock.Elapsed, clock.Cpu)
                : throw new InvalidOperationException($"The write set replayed {leads} leads and {_events.Count} events but the tables hold {counted / 10_000_000} and {counted % 10_000_000}.");
        }

        /// <summary>A stored key (16 bytes, SqliteGuids) as a dictionary key, by value: its hex digits.</summary>
        private static string KeyOf(object? stored) => Convert.ToHexString((byte[])stored!);

        private static SqliteCommand Insert(SqliteConnection connection, string table, string[] columns)
        {
            var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed table names and the columns the database itself named.
            command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
#pragma warning restore CA2100
            for (var i = 0; i < columns.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter("$p" + i, null));
            }

            return command;
        }

        private static void Run(SqliteCommand insert, List<object?[]> rows)
        {
            foreach (var row in rows)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    insert.Parameters[i].Value = row[i] ?? DBNull.Value;
                }

                insert.ExecuteNonQuery();
            }
        }
    }
}
