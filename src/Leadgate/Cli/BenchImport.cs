using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Imports;
using Microsoft.Data.Sqlite;

namespace Leadgate.Web.Cli;

/// <summary>
/// P5 (PRODUCT.md §7): a CSV import with de-duplication through <see cref="ImportLeads"/>, as <c>leadgate import leads</c>
/// runs it, on a fresh database: rows per second and the process's peak memory. The file is a generated HubSpot contacts
/// export (one company per four people, 2% of the rows repeating an earlier person), written to a temporary file first.
/// </summary>
internal static class BenchImport
{
    private const int TargetRows = 1_000_000;
    private const double TargetSeconds = 30;
    private const double TargetPeakMegabytes = 500;
    private const string BaselineName = "CSV parse and raw ADO.NET prepared insert";
    private const int BaselineBatch = 5_000;

    private static readonly string[] Titles = ["CTO", "Head of Marketing", "VP Sales", "Operations Manager", "CEO", "Procurement Lead", "IT Director", "Marketing Manager"];
    private static readonly string[] Industries = ["Computer Software", "Logistics and Supply Chain", "Financial Services", "Retail", "Manufacturing"];
    private static readonly string[] Countries = ["Netherlands", "Germany", "Belgium", "United Kingdom", "France"];

    public static async Task<int> RunAsync(CliContext cli, int rows, CancellationToken cancellationToken)
    {
        if (rows < 1)
        {
            await cli.Console.Error.WriteLineAsync("--rows must be at least 1.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        var file = Path.Combine(Path.GetTempPath(), $"leadgate-bench-{Guid.NewGuid():N}.csv");
        try
        {
            var people = await WriteHubSpotExportAsync(file, rows, cancellationToken);
            await BenchReport.PhaseAsync(cli, $"{rows:N0} rows ({people:N0} people) written to {file} ({new FileInfo(file).Length / 1e6:0.0} MB)");

            await using var app = await CliServices.StartAsync(database.Configuration(cli), cancellationToken);
            var tenant = await BenchTenant.SeedAsync(app.Services, cancellationToken);
            await using var scope = app.Services.CreateAsyncScope();
            var import = scope.ServiceProvider.GetRequiredService<ImportLeads>();
            var peakBefore = PeakMegabytes();
            var clock = BenchClock.Start();
            await using var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var imported = await cli.Console.WithProgressAsync("P5: import", progress => import.HandleAsync(
                new ImportLeadsRequest(Path.GetFileName(file), content), Actor.ForImport(tenant.OrganisationId),
                progress is null ? null : new Percent(progress), cancellationToken));
            clock.Stop();
            if (imported.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var job = imported.Value.Job;
            var peak = PeakMegabytes();
            var perSecond = BenchReport.PerSecond(rows, clock.Elapsed);
            var perCpuSecond = BenchReport.PerSecond(rows, clock.Cpu);
            await BenchReport.PhaseAsync(cli, $"{job.RowsRead:N0} rows in {clock.Elapsed.TotalSeconds:0.00} s ({perSecond:N0}/s): {job.Imported:N0} imported, {job.Updated:N0} updated, {job.Unchanged:N0} unchanged, {job.Bad:N0} bad; peak {peak:0} MB");
            var projectedSeconds = perSecond > 0 ? BenchReport.Round(TargetRows / perSecond, 1) : 0;

            (long People, TimeSpan Elapsed, TimeSpan Cpu) baseline;
            await using (var raw = new BenchDatabase())
            {
                await (await CliServices.StartAsync(raw.Configuration(cli), cancellationToken)).DisposeAsync();
                baseline = await cli.Console.WithProgressAsync("Baseline: parse and raw insert", progress =>
                    RawImportAsync(raw.ConnectionString, file, tenant.OrganisationId, progress, cancellationToken));
            }

            var baselinePerSecond = BenchReport.PerSecond(rows, baseline.Elapsed);
            var baselinePerCpuSecond = BenchReport.PerSecond(rows, baseline.Cpu);
            await BenchReport.PhaseAsync(cli, $"{BaselineName}: {rows:N0} rows ({baseline.People:N0} people) in {baseline.Elapsed.TotalSeconds:0.00} s ({baselinePerSecond:N0}/s)");
            return await BenchReport.ResultAsync(cli, new
            {
                bench = "import",
                rows,
                people,
                seconds = BenchReport.Round(clock.Elapsed.TotalSeconds, 3),
                rowsPerSecond = perSecond,
                cpuSeconds = BenchReport.Round(clock.Cpu.TotalSeconds, 3),
                rowsPerCpuSecond = perCpuSecond,
                gc = clock.Gc,
                imported = job.Imported,
                updated = job.Updated,
                unchanged = job.Unchanged,
                bad = job.Bad,
                // The whole process's high-water mark (the benchmark's own share is small: the file is streamed both ways).
                peakMemoryMB = BenchReport.Round(peak),
                peakMemoryBeforeImportMB = BenchReport.Round(peakBefore),
                // At fewer rows than the bar's million, the time is projected at the measured rate; memory is not projected.
                projectedSecondsFor1000000Rows = projectedSeconds,
                baseline = new
                {
                    name = BaselineName,
                    people = baseline.People,
                    seconds = BenchReport.Round(baseline.Elapsed.TotalSeconds, 3),
                    rowsPerSecond = baselinePerSecond,
                    cpuSeconds = BenchReport.Round(baseline.Cpu.TotalSeconds, 3),
                    rowsPerCpuSecond = baselinePerCpuSecond,
                },
                // The import's speed as a share of the baseline's, by wall time and by CPU time.
                ratio = baselinePerSecond > 0 ? BenchReport.Round(perSecond / baselinePerSecond, 3) : 0,
                cpuRatio = baselinePerCpuSecond > 0 ? BenchReport.Round(perCpuSecond / baselinePerCpuSecond, 3) : 0,
                target = new { rows = TargetRows, seconds = TargetSeconds, peakMemoryMB = TargetPeakMegabytes },
                met = projectedSeconds <= TargetSeconds && peak <= TargetPeakMegabytes && rows >= TargetRows,
                loadAverage,
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// The baseline, in the same run: the same file read by the CSV reader alone (no field checks, no domain objects, no
    /// scoring), and the same people written by plain ADO.NET prepared INSERTs, one per table with its parameters reused,
    /// one transaction per 5,000 rows, into a fresh database with the same tables and indexes (foreign keys off): a company
    /// per domain, and a contact, a lead and its stage event per new e-mail address (the unique e-mail index de-duplicates).
    /// </summary>
    private static async Task<(long People, TimeSpan Elapsed, TimeSpan Cpu)> RawImportAsync(
        string connectionString, string file, Guid organisationId, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }

        var company = Prepare(connection, "INSERT INTO Companies (Id, OrganisationId, Name, Domain, Industry, Employees, Country) VALUES ($1, $2, $3, $4, $5, $6, $7)", 7);
        var contact = Prepare(connection, "INSERT INTO Contacts (Id, OrganisationId, Email, FirstName, LastName, JobTitle, Phone) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING", 7);
        var lead = Prepare(connection, "INSERT INTO Leads (Id, OrganisationId, ContactId, CompanyId, Stage, HighestStage, WorkStatus, Source, CreatedAt, UpdatedAt, StageChangedAt, SearchText, Version, "
            + "Bant_Authority_Status, Bant_Budget_Status, Bant_Need_Status, Bant_Timeline_Status, EngagementScore, FitScore, ScoredAt) "
            + "VALUES ($1, $2, $3, $4, 'Iql', 'Iql', 'New', $5, $6, $6, $6, $7, 0, 'Unknown', 'Unknown', 'Unknown', 'Unknown', 0, NULL, $6)", 7);
        var stageEvent = Prepare(connection, "INSERT INTO StageEvents (Id, OrganisationId, LeadId, \"To\", At, ActorKind, ActorName, Reason) VALUES ($1, $2, $3, 'Iql', $4, 'Import', 'import', 'created')", 4);
        var organisation = SqliteGuids.ToBytes(organisationId);
        var companies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long people = 0, rows = 0;

        var clock = BenchClock.Start();
        await using var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var text = new StreamReader(content, new UTF8Encoding(false), true, 1 << 16);
        var reader = new CsvReader(text);
        reader.Read();
        var transaction = connection.BeginTransaction();
        while (reader.Read() is { Fields: var fields })
        {
            var now = DateTimeOffset.UtcNow;
            var domain = new Uri(fields[7]).Host.Replace("www.", "", StringComparison.Ordinal);
            if (!companies.TryGetValue(domain, out var companyId))
            {
                companyId = SqliteGuids.ToBytes(Ids.New(now));
                companies[domain] = companyId;
                Run(company, transaction, companyId, organisation, fields[6], domain, fields[8], int.Parse(fields[9], CultureInfo.InvariantCulture), fields[10]);
            }

            var contactId = SqliteGuids.ToBytes(Ids.New(now));
            var email = fields[3].ToLowerInvariant();
            if (Run(contact, transaction, contactId, organisation, email, fields[1], fields[2], fields[5], fields[4]) == 1)
            {
                var leadId = SqliteGuids.ToBytes(Ids.New(now));
                Run(lead, transaction, leadId, organisation, contactId, companyId, fields[11], now.UtcTicks, $"{fields[1]} {fields[2]} {email} {fields[6]}".ToLowerInvariant());
                Run(stageEvent, transaction, SqliteGuids.ToBytes(Ids.New(now)), organisation, leadId, now.UtcTicks);
                people++;
            }

            if (++rows % BaselineBatch == 0)
            {
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
                progress?.Report((int)(content.Position * 100 / Math.Max(1, content.Length)));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        transaction.Commit();
        transaction.Dispose();
        clock.Stop();
        foreach (var command in new[] { company, contact, lead, stageEvent })
        {
            command.Dispose();
        }

        return (people, clock.Elapsed, clock.Cpu);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, int parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed SQL, never input.
        command.CommandText = sql;
#pragma warning restore CA2100
        for (var i = 1; i <= parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$" + i, null));
        }

        return command;
    }

    /// <summary>Microsoft.Data.Sqlite is synchronous underneath: the async call would only add overhead.</summary>
    private static int Run(SqliteCommand command, SqliteTransaction transaction, params object?[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>Answers how many distinct people the file holds.</summary>
    private static async Task<int> WriteHubSpotExportAsync(string path, int rows, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteAsync("Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name,Website URL,Industry,Number of Employees,Country/Region,Original Source,Lifecycle Stage,Create Date\r\n");
        var people = 0;
        for (var i = 0; i < rows; i++)
        {
            // 2% of the rows repeat an earlier person (a re-export, a merge): de-duplication by e-mail has work to do.
            var person = people > 0 && random.Next(50) == 0 ? random.Next(people) : people++;
            var company = person / 4;
            var details = new Random(person);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{i + 1},Person,Number {person},person{person}@firm-{company}.example.com,+31 20 {details.Next(1_000_000, 9_999_999)},{Titles[details.Next(Titles.Length)]},Firm {company} B.V.,https://www.firm-{company}.example.com/,{Industries[company % Industries.Length]},{10 + company % 5_000},{Countries[company % Countries.Length]},ORGANIC_SEARCH,lead,2025-{1 + person % 12:00}-{1 + person % 28:00} 10:00\r\n");
            await writer.WriteAsync(line.AsMemory(), cancellationToken);
        }

        return people;
    }

    /// <summary>The process's peak resident memory (VmHWM), or the runtime's peak working set where /proc is missing.</summary>
    internal static double PeakMegabytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null)
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        catch (IOException)
        {
            // Not Linux: fall through to the runtime's figure.
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    private sealed class Percent(IProgress<int> bar) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => bar.Report(value.Percent);
    }
}
