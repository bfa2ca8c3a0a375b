using Leadgate.Data;
using Leadgate.Scoring;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Leadgate.Web.Cli;

/// <summary>
/// P4 (PRODUCT.md §7): the full rescore after a rule change. A fresh database is seeded with raw prepared SQL (leads,
/// contacts, companies and behaviour events, scored under the default model); the model is then changed through
/// <see cref="ChangeScoringModel"/> (a new ICP and new points), and the organisation's real rescore job
/// (<see cref="RescoreLeads"/>) runs to its end with a progress bar. The baseline, in the same run and on the same
/// database: a raw ADO.NET read of every lead's facts and events in key order, and one prepared UPDATE writing every
/// lead's scores.
/// </summary>
internal static class BenchRescore
{
    public const string BaselineName = "raw ADO.NET read of all leads' facts and events in key order + one prepared UPDATE of every lead's scores";
    private const int TargetLeads = 1_000_000;
    private const int TargetEvents = 10_000_000;
    private const double TargetSeconds = 120;
    private const int SeedTransaction = 50_000;

    private static readonly string[] Titles = ["CTO", "Head of Marketing", "VP Sales", "Operations Manager", "CEO", "Procurement Lead", "IT Director", "Marketing Manager", "Intern", "Analyst", ""];
    private static readonly string[] Industries = ["Software", "Logistics", "Financial Services", "Retail", "Manufacturing", ""];
    private static readonly string[] Countries = ["NL", "DE", "BE", "GB", "FR", ""];

    private static readonly (BehaviourType Type, int Weight)[] Mix =
    [
        (BehaviourType.PageVisit, 60), (BehaviourType.ContentDownload, 18), (BehaviourType.FormSubmit, 8), (BehaviourType.Webinar, 5),
        (BehaviourType.NewsletterSignup, 5), (BehaviourType.Custom, 2), (BehaviourType.EmailReply, 1), (BehaviourType.DemoRequest, 1),
    ];

    /// <summary>The rule change: an ICP on industry, size, country and seniority, and downloads and webinars worth more.</summary>
    internal static readonly ScoringModel Changed = ScoringModel.Default with
    {
        Criteria =
        [
            new IcpCriterion { Name = "Industry", Attribute = IcpField.Industry, Weight = 30, WhenUnknown = WhenUnknown.Neutral, Values = ["Software", "Logistics", "Manufacturing"] },
            new IcpCriterion
            {
                Name = "Company size", Attribute = IcpField.Employees, Weight = 30, WhenUnknown = WhenUnknown.Miss,
                Ranges = [new() { Min = 50, Max = 5_000, Points = 30 }, new() { Min = 10, Max = 49, Points = 15 }],
            },
            new IcpCriterion { Name = "Country", Attribute = IcpField.Country, Weight = 10, WhenUnknown = WhenUnknown.Neutral, Values = ["NL", "BE", "DE"] },
            ScoringModel.Default.Criteria[1] with { Weight = 30, Levels = [.. ScoringModel.Default.Criteria[1].Levels.Select(l => l with { Points = l.Points * 30 / 50 })] },
        ],
        Events =
        [
            new EventRule { Type = BehaviourType.EmailReply, Points = 30, Cap = 60 },
            new EventRule { Type = BehaviourType.FormSubmit, Points = 15, Cap = 45 },
            new EventRule { Type = BehaviourType.ContentDownload, Points = 15, Cap = 45 },
            new EventRule { Type = BehaviourType.DemoRequest, Points = 50, Cap = 50, Repeatable = false },
            new EventRule { Type = BehaviourType.Webinar, Points = 20, Cap = 40 },
            new EventRule { Type = BehaviourType.PageVisit, Points = 3, Cap = 24 },
            new EventRule { Type = BehaviourType.NewsletterSignup, Points = 5, Repeatable = false },
        ],
        HalfLifeDays = 45,
        FitThreshold = 70,
        EngagementThreshold = 50,
    };

    public static async Task<int> RunAsync(CliContext cli, int leads, int events, int batch, CancellationToken cancellationToken)
    {
        if (leads < 1 || events < 0 || batch < 1)
        {
            await cli.Console.Error.WriteLineAsync("--leads and --batch must be at least 1, --events at least 0.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        await using var app = await CliServices.StartAsync([.. database.Configuration(cli), "--Scoring:BackgroundRescore=false"], cancellationToken);
        var tenant = await BenchTenant.SeedAsync(app.Services, cancellationToken);
        var clock = app.Services.GetRequiredService<TimeProvider>();

        var seeding = BenchClock.Start();
        var seeded = await cli.Console.WithProgressAsync("P4: seeding", progress =>
            SeedAsync(database.ConnectionString, tenant.OrganisationId, leads, events, clock.GetUtcNow(), progress, cancellationToken));
        seeding.Stop();
        await BenchReport.PhaseAsync(cli, $"seeded {leads:N0} leads and {events:N0} events in {seeding.Elapsed.TotalSeconds:0.0} s; {seeded.Iql:N0} in Iql");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var changed = await scope.ServiceProvider.GetRequiredService<ChangeScoringModel>().HandleAsync(Changed, tenant.Actor, cancellationToken);
            if (changed.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }
        }

        var peakBefore = BenchImport.PeakMegabytes();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<LeadgateDbContext>>();
        var job = new RescoreLeads(contexts, clock, NullLogger<RescoreLeads>.Instance) { BatchSize = batch };
        var run = BenchClock.Start();
        var finished = await cli.Console.WithProgressAsync("P4: rescoring", async progress =>
        {
            var running = job.RunPendingAsync("bench", cancellationToken);
            while (await Task.WhenAny(running, Task.Delay(500, cancellationToken)) != running)
            {
                progress?.Report(await PercentAsync(contexts, tenant.OrganisationId, cancellationToken));
            }

            return await running;
        });
        run.Stop();
        var peak = BenchImport.PeakMegabytes();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var result = await db.RescoreJobs.AsNoTracking().SingleAsync(j => j.OrganisationId == tenant.OrganisationId, cancellationToken);
        if (finished != 1 || result.Status != RescoreStatus.Done || result.Done != leads)
        {
            throw new InvalidOperationException($"The rescore job did not finish every lead: {result.Status}, {result.Done:N0} of {leads:N0}.");
        }

        var written = await db.Leads.CountAsync(l => l.OrganisationId == tenant.OrganisationId && l.ScoredAt > seeded.ScoredAt, cancellationToken);
        var leadsPerSecond = BenchReport.PerSecond(leads, run.Elapsed);
        await BenchReport.PhaseAsync(cli, $"rescore job: {leads:N0} leads, {events:N0} events in {run.Elapsed.TotalSeconds:0.00} s ({leadsPerSecond:N0} leads/s, CPU {run.Cpu.TotalSeconds:0.0} s); {written:N0} scores written, {result.MadeMql:N0} became MQL");

        var baseline = await cli.Console.WithProgressAsync("Baseline: raw read and update", progress =>
            BaselineAsync(database.ConnectionString, tenant.OrganisationId, leads, progress, cancellationToken));
        await BenchReport.PhaseAsync(cli, $"{BaselineName}: {baseline.Rows:N0} rows read, {leads:N0} updated in {baseline.Elapsed.TotalSeconds:0.00} s (CPU {baseline.Cpu.TotalSeconds:0.0} s)");

        var projected = leadsPerSecond > 0 ? BenchReport.Round(Math.Max(TargetLeads / leadsPerSecond, events > 0 ? TargetEvents / BenchReport.PerSecond(events, run.Elapsed) : 0), 1) : 0;
        return await BenchReport.ResultAsync(cli, new
        {
            bench = "rescore",
            leads,
            events,
            seconds = BenchReport.Round(run.Elapsed.TotalSeconds, 3),
            leadsPerSecond,
            eventsPerSecond = BenchReport.PerSecond(events, run.Elapsed),
            cpuSeconds = BenchReport.Round(run.Cpu.TotalSeconds, 3),
            leadsPerCpuSecond = BenchReport.PerSecond(leads, run.Cpu),
            eventsPerCpuSecond = BenchReport.PerSecond(events, run.Cpu),
            batchSize = job.BatchSize,
            scoresWritten = written,
            madeMql = result.MadeMql,
            peakMemoryMB = BenchReport.Round(peak),
            peakMemoryBeforeRescoreMB = BenchReport.Round(peakBefore),
            seedSeconds = BenchReport.Round(seeding.Elapsed.TotalSeconds, 1),
            baseline = new
            {
                name = BaselineName,
                rowsRead = baseline.Rows,
                leadsUpdated = leads,
                seconds = BenchReport.Round(baseline.Elapsed.TotalSeconds, 3),
                cpuSeconds = BenchReport.Round(baseline.Cpu.TotalSeconds, 3),
            },
            // The baseline's time over the job's: 1 would be a job as fast as reading and writing the rows alone.
            ratio = run.Elapsed > TimeSpan.Zero ? BenchReport.Round(baseline.Elapsed / run.Elapsed, 3) : 0,
            cpuRatio = run.Cpu > TimeSpan.Zero ? BenchReport.Round(baseline.Cpu / run.Cpu, 3) : 0,
            // Below the bar's size, the time for 1,000,000 leads and 10,000,000 events at the measured rates (the slower of the two).
            projectedSecondsForTheBar = projected,
            target = new { leads = TargetLeads, events = TargetEvents, seconds = TargetSeconds },
            met = leads >= TargetLeads && events >= TargetEvents && run.Elapsed.TotalSeconds <= TargetSeconds,
            loadAverage,
        });
    }

    private static async Task<int> PercentAsync(IDbContextFactory<LeadgateDbContext> contexts, Guid organisationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var job = await db.RescoreJobs.AsNoTracking().Where(j => j.OrganisationId == organisationId).Select(j => new { j.Done, j.Total }).SingleAsync(cancellationToken);
        return job.Total == 0 ? 100 : (int)Math.Min(100, 100L * job.Done / job.Total);
    }

    private sealed record Seeded(int Iql, DateTimeOffset ScoredAt);

    /// <summary>
    /// Leads in key order (version 7 ids a millisecond apart), one company per four people, 90% of the leads with events
    /// spread at random over the last 180 days, scored under the default model as ingestion would have left them: in Mql
    /// where the default rule is met (and 1% more, hand-raised), 2% in Nurture, the rest in Iql.
    /// </summary>
    private static async Task<Seeded> SeedAsync(string connectionString, Guid organisationId, int leads, int events, DateTimeOffset now, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        var counts = new int[leads];
        var active = Math.Max(1, leads * 9 / 10);
        for (var i = 0; i < events; i++)
        {
            counts[random.Next(active)]++;
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }

        var org = Key(organisationId);
        var company = Insert(connection, "Companies", ["Id", "OrganisationId", "Name", "Domain", "Industry", "Employees", "Country"]);
        var contact = Insert(connection, "Contacts", ["Id", "OrganisationId", "Email", "FirstName", "LastName", "JobTitle"]);
        var lead = Insert(connection, "Leads", [
            "Id", "OrganisationId", "ContactId", "CompanyId", "Stage", "HighestStage", "WorkStatus", "CreatedAt", "UpdatedAt", "StageChangedAt", "SearchText", "Version",
            "Bant_Authority_Status", "Bant_Budget_Status", "Bant_Need_Status", "Bant_Timeline_Status", "FitScore", "EngagementScore", "ScoredAt"]);
        var behaviour = Insert(connection, "BehaviourEvents", ["Id", "OrganisationId", "LeadId", "ExternalId", "Type", "OccurredAt", "ReceivedAt", "BodyHash"]);

        var scores = new QuickScores(ScoringModel.Default);
        var scoredAt = now.AddMinutes(-1);
        var start = now.AddDays(-1).AddMilliseconds(-(long)leads - events);
        var timed = new List<TimedEvent>();
        var (rows, iql, eventNumber) = (0, 0, 0);
        byte[]? companyId = null;
        SqliteTransaction? transaction = null;
        async Task RowAsync(SqliteCommand command, params object?[] values)
        {
            if (transaction is null)
            {
                transaction = connection.BeginTransaction();
                foreach (var c in new[] { company.Command, contact.Command, lead.Command, behaviour.Command })
                {
                    c.Transaction = transaction;
                }
            }

            var parameters = command.Parameters;
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
            if (++rows % SeedTransaction == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                await transaction.DisposeAsync();
                transaction = null;
            }
        }

        for (var i = 0; i < leads; i++)
        {
            var companyNumber = i / 4;
            var details = new Random(i);
            var industry = Industries[companyNumber % Industries.Length];
            int? employees = companyNumber % 7 == 0 ? null : 5 + (companyNumber * 37 % 6_000);
            var country = Countries[companyNumber % Countries.Length];
            var title = Titles[details.Next(Titles.Length)];
            if (i % 4 == 0)
            {
                companyId = Key(Guid.CreateVersion7(start.AddMilliseconds(companyNumber)));
                await RowAsync(company.Command, companyId, org, $"Firm {companyNumber} B.V.", $"firm-{companyNumber}.example.com", Empty(industry), employees, Empty(country));
            }

            var contactId = Key(Guid.CreateVersion7(start.AddMilliseconds(i)));
            await RowAsync(contact.Command, contactId, org, $"person{i}@firm-{companyNumber}.example.com", "Person", $"Number {i}", Empty(title));

            var leadId = Key(Guid.CreateVersion7(start.AddMilliseconds(i)));
            timed.Clear();
            for (var e = 0; e < counts[i]; e++)
            {
                var roll = random.Next(100);
                var type = Mix.SkipWhile(m => (roll -= m.Weight) >= 0).First().Type;
                timed.Add(new TimedEvent(type, now.AddSeconds(-random.Next(180 * 24 * 3600)).UtcTicks));
            }

            var fit = scores.Fit(new Leadgate.Scoring.LeadFacts(Empty(industry), employees, Empty(country), Empty(title)));
            var engagement = scores.Engagement(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(timed), scoredAt);
            var stage = MqlRule.Decide(ScoringModel.Default, fit, engagement, null) is not null || i % 100 == 0 ? "Mql" : i % 50 == 1 ? "Nurture" : "Iql";
            iql += stage == "Iql" ? 1 : 0;
            var created = start.AddMilliseconds(i).UtcTicks;
            await RowAsync(lead.Command, leadId, org, contactId, companyId, stage, stage == "Nurture" ? "Mql" : stage, "New", created, created, created,
                $"person number {i} person{i}@firm-{companyNumber}.example.com firm {companyNumber} b.v.", 0L, "Unknown", "Unknown", "Unknown", "Unknown",
                fit is { } f ? (double)f : null, (double)engagement, scoredAt.UtcTicks);
            foreach (var e in timed)
            {
                var number = eventNumber++;
                await RowAsync(behaviour.Command, Key(Guid.CreateVersion7(start.AddMilliseconds(number))), org, leadId, $"seed-{number:D10}", e.Type.ToString(), e.OccurredAtUtcTicks, e.OccurredAtUtcTicks, "seed");
            }

            if (i % 10_000 == 0)
            {
                progress?.Report((int)(100L * i / leads));
            }
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
        }

        foreach (var c in new[] { company.Command, contact.Command, lead.Command, behaviour.Command })
        {
            await c.DisposeAsync();
        }

        await using (var checkpoint = connection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }

        return new Seeded(iql, scoredAt);
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;

    private static byte[] Key(Guid id) => SqliteGuids.ToBytes(id);

    private sealed record Prepared(SqliteCommand Command);

    private static Prepared Insert(SqliteConnection connection, string table, string[] columns)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed table and column names, never input.
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
#pragma warning restore CA2100
        for (var i = 0; i < columns.Length; i++)
        {
            command.Parameters.Add(new SqliteParameter("$p" + i, null));
        }

        return new Prepared(command);
    }

    /// <summary>
    /// The baseline: every lead of the organisation with its facts and events in key order, read with typed getters as
    /// the job reads them but not scored; then every lead's scores written back with one prepared UPDATE, 2,000 a
    /// transaction, as the job commits its batches.
    /// </summary>
    private static async Task<(long Rows, TimeSpan Elapsed, TimeSpan Cpu)> BaselineAsync(string connectionString, Guid organisationId, int leads, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var clock = BenchClock.Start();
        var scores = new List<(byte[] Id, double? Fit, double Engagement)>(leads);
        long rows = 0;
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = """
                SELECT l."Id", l."Version", l."Stage", l."FitScore", l."EngagementScore", c."JobTitle", co."Industry", co."Employees", co."Country", e."Type", e."OccurredAt"
                FROM "Leads" AS l JOIN "Contacts" AS c ON c."Id" = l."ContactId" LEFT JOIN "Companies" AS co ON co."Id" = l."CompanyId"
                LEFT JOIN "BehaviourEvents" AS e ON e."LeadId" = l."Id"
                WHERE l."OrganisationId" = $org ORDER BY l."CreatedAt", l."Id"
                """;
            read.Parameters.AddWithValue("$org", Key(organisationId));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            byte[]? last = null;
            long checksum = 0;
            while (reader.Read())
            {
                rows++;
                var id = (byte[])reader.GetValue(0);
                if (last is null || !id.AsSpan().SequenceEqual(last))
                {
                    last = id;
                    scores.Add((id, reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.GetDouble(4)));
                    checksum += reader.GetInt64(1) + reader.GetString(2).Length + (reader.IsDBNull(5) ? 0 : reader.GetString(5).Length)
                        + (reader.IsDBNull(6) ? 0 : reader.GetString(6).Length) + (reader.IsDBNull(7) ? 0 : reader.GetInt32(7)) + (reader.IsDBNull(8) ? 0 : reader.GetString(8).Length);
                }

                if (!reader.IsDBNull(9))
                {
                    checksum += reader.GetString(9).Length + (reader.GetInt64(10) & 1);
                }
            }

            if (checksum == long.MinValue)
            {
                throw new InvalidOperationException("Unreachable: the checksum only keeps the reads from being optimised away.");
            }
        }

        progress?.Report(50);
        await using var update = connection.CreateCommand();
        update.CommandText = """UPDATE "Leads" SET "FitScore" = $fit, "EngagementScore" = $engagement, "ScoredAt" = $at WHERE "Id" = $id""";
        update.Parameters.Add(new SqliteParameter("$at", DateTimeOffset.UtcNow.UtcTicks));
        var (fit, engagement, key) = (update.Parameters.Add(new SqliteParameter("$fit", null)), update.Parameters.Add(new SqliteParameter("$engagement", null)), update.Parameters.Add(new SqliteParameter("$id", null)));
        for (var i = 0; i < scores.Count; i += RescoreLeads.DefaultBatchSize)
        {
            await using var transaction = connection.BeginTransaction();
            update.Transaction = transaction;
            for (var j = i; j < Math.Min(scores.Count, i + RescoreLeads.DefaultBatchSize); j++)
            {
                var (id, f, e) = scores[j];
                (fit.Value, engagement.Value, key.Value) = (f is { } v ? v : DBNull.Value, e, id);
                update.ExecuteNonQuery();
            }

            await transaction.CommitAsync(cancellationToken);
            progress?.Report(50 + (int)(50L * i / scores.Count));
        }

        clock.Stop();
        return (rows, clock.Elapsed, clock.Cpu);
    }
}
