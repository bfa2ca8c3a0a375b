using System.Globalization;
using System.Text;
using Leadgate.Data;
using Microsoft.Data.Sqlite;

namespace Leadgate.Web.Cli;

/// <summary>
/// The reports benchmark's baseline: for each report a hand-written SQLite query (ticks for times, text for decimals) that
/// computes the same numbers straight from the rows, without the product's filters, grouping or mapping, and the figures it
/// yields named as the bench names the report's. Written from docs/reports.md, not from the product's SQL builders.
/// </summary>
internal sealed class BenchReportsBaseline(BenchReportsBaseline.Periods periods)
{
    /// <summary>The bench's periods: the twelve whole months up to the first of next month, and the months before this one.</summary>
    internal sealed class Periods(DateTimeOffset now)
    {
        public DateTimeOffset Now { get; } = now;

        public DateOnly ThisMonth { get; } = new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);

        public DateOnly From => ThisMonth.AddMonths(-11);

        public DateOnly To => ThisMonth.AddMonths(1);

        public Leadgate.Reports.ReportQuery Query => new() { From = Text(From), To = Text(To) };

        public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        public static long Ticks(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).UtcTicks;
    }

    private const string Funnel = "'Iql', 'Mql', 'Sql', 'Opportunity', 'Customer'";
    private static readonly string[] Stages = ["Iql", "Mql", "Sql", "Opportunity", "Customer"];

    /// <summary>Per lead of the organisation with an event in [$lo, $hi): its first entry into each funnel stage (e0…e4) and first reach (r0…r4).</summary>
    private static string PerLead(string extra = "") =>
        $"""
        moved AS (SELECT DISTINCT "LeadId" AS id FROM "StageEvents" WHERE "OrganisationId" = $org AND "At" >= $lo AND "At" < $hi),
        per AS (SELECT e."LeadId" AS lead_id,
          MIN(CASE WHEN e."To" = 'Iql' THEN e."At" END) AS e0, MIN(CASE WHEN e."To" IN ('Iql', 'Mql', 'Sql', 'Opportunity', 'Customer') THEN e."At" END) AS r0,
          MIN(CASE WHEN e."To" = 'Mql' THEN e."At" END) AS e1, MIN(CASE WHEN e."To" IN ('Mql', 'Sql', 'Opportunity', 'Customer') THEN e."At" END) AS r1,
          MIN(CASE WHEN e."To" = 'Sql' THEN e."At" END) AS e2, MIN(CASE WHEN e."To" IN ('Sql', 'Opportunity', 'Customer') THEN e."At" END) AS r2,
          MIN(CASE WHEN e."To" = 'Opportunity' THEN e."At" END) AS e3, MIN(CASE WHEN e."To" IN ('Opportunity', 'Customer') THEN e."At" END) AS r3,
          MIN(CASE WHEN e."To" = 'Customer' THEN e."At" END) AS e4, MIN(CASE WHEN e."To" = 'Customer' THEN e."At" END) AS r4{extra}
          FROM "StageEvents" e JOIN moved m ON m.id = e."LeadId" WHERE e."OrganisationId" = $org GROUP BY e."LeadId")
        """;

    public async Task<BenchFigures> FunnelAsync(SqliteConnection connection)
    {
        var extra = new StringBuilder();
        var select = new StringBuilder("SELECT 0");
        for (var s = 0; s < Stages.Length; s++)
        {
            extra.Append(CultureInfo.InvariantCulture, $""", SUM(e."To" = '{Stages[s]}' AND e."At" >= $lo AND e."At" < $hi) AS n{s}""");
            extra.Append(CultureInfo.InvariantCulture, $""", SUM(e."From" = '{Stages[s]}' AND e."To" IN ('Nurture', 'Disqualified') AND e."At" >= $lo AND e."At" < $hi) AS x{s}""");
            select.Append(CultureInfo.InvariantCulture,
                $", SUM(e{s} >= $lo AND e{s} < $hi), SUM(r{s} >= $lo AND r{s} < $hi), SUM(r{s} >= $lo AND r{s} < $hi AND (e{s} IS NULL OR e{s} > r{s})), SUM(n{s}), SUM(x{s})");
        }

        var figures = new BenchFigures();
        await ReadAsync(connection, $"WITH {PerLead(extra.ToString())} {select} FROM per", Year, r =>
        {
            for (var s = 0; s < Stages.Length; s++)
            {
                var entered = Long(r, 1 + (s * 5));
                figures.Set($"{Stages[s]}.entered", entered);
                figures.Set($"{Stages[s]}.reached", Long(r, 2 + (s * 5)));
                figures.Set($"{Stages[s]}.skipped", Long(r, 3 + (s * 5)));
                figures.Set($"{Stages[s]}.recycled", Long(r, 4 + (s * 5)) - entered);
                figures.Set($"{Stages[s]}.exited", Long(r, 5 + (s * 5)));
            }
        });
        return figures;
    }

    public async Task<BenchFigures> CohortsAsync(SqliteConnection connection)
    {
        const string Month = "strftime('%Y-%m', ({0} - 621355968000000000) / 10000000, 'unixepoch')";
        string Cohort(string name, string entry, string reach) =>
            $"""
            SELECT '{name}', {string.Format(CultureInfo.InvariantCulture, Month, entry)}, COUNT(*),
              SUM({reach} >= {entry} AND {reach} - {entry} <= 30 * 864000000000), SUM({reach} >= {entry} AND {reach} - {entry} <= 60 * 864000000000),
              SUM({reach} >= {entry} AND {reach} - {entry} <= 90 * 864000000000)
            FROM per WHERE {entry} >= $lo AND {entry} < $hi GROUP BY 2
            """;
        var figures = new BenchFigures();
        await ReadAsync(connection, $"WITH {PerLead()} {Cohort("mqlToSql", "e1", "r2")} UNION ALL {Cohort("sqlToCustomer", "e2", "r4")}", Year, r =>
        {
            var key = $"{r.GetString(0)}.{r.GetString(1)}";
            figures.Set(key + ".size", Long(r, 2));
            figures.Set(key + ".within30", Long(r, 3));
            figures.Set(key + ".within60", Long(r, 4));
            figures.Set(key + ".within90", Long(r, 5));
        });
        return figures;
    }

    public async Task<BenchFigures> VelocityAsync(SqliteConnection connection)
    {
        (int From, int To)[] steps = [(0, 1), (1, 2), (2, 3), (3, 4), (2, 4)];
        var durations = string.Join(" UNION ALL ", steps.Select((s, i) => string.Create(CultureInfo.InvariantCulture,
            $"SELECT {i} AS step, (e{s.To} - e{s.From}) / 864000000000.0 AS days FROM per WHERE e{s.From} IS NOT NULL AND e{s.To} > e{s.From} AND e{s.To} >= $lo AND e{s.To} < $hi")));
        var sql = $"""
            WITH {PerLead()}, d AS ({durations}),
            ranked AS (SELECT step, days, ROW_NUMBER() OVER (PARTITION BY step ORDER BY days) AS rn, COUNT(*) OVER (PARTITION BY step) AS n FROM d)
            SELECT step, MAX(n), MIN(CASE WHEN rn * 2 >= n THEN days END), MIN(CASE WHEN rn * 4 >= n * 3 THEN days END) FROM ranked GROUP BY step
            """;
        var figures = new BenchFigures();
        await ReadAsync(connection, sql, Year, r =>
        {
            var (from, to) = steps[(int)Long(r, 0)];
            var key = $"{Stages[from]}-{Stages[to]}";
            figures.Set(key + ".leads", Long(r, 1));
            figures.Set(key + ".median", Days(r, 2));
            figures.Set(key + ".p75", Days(r, 3));
        });
        return figures;
    }

    public async Task<BenchFigures> ReasonsAsync(SqliteConnection connection)
    {
        const string Sql = """
            SELECT CASE WHEN "From" IN ('Sql', 'Opportunity') THEN 'lost' WHEN "From" = 'Mql' AND "To" = 'Nurture' THEN 'sentBack' ELSE 'disqualified' END AS kind,
              "Reason", COUNT(*)
            FROM "StageEvents" WHERE "OrganisationId" = $org AND "To" IN ('Nurture', 'Disqualified') AND "At" >= $lo AND "At" < $hi
            GROUP BY kind, "Reason"
            """;
        var figures = new BenchFigures();
        await ReadAsync(connection, Sql, Year, r =>
        {
            var kind = r.GetString(0);
            figures.Set($"{kind}.{(r.IsDBNull(1) ? "(none)" : r.GetString(1))}", Long(r, 2));
            figures.Set($"{kind}.total", figures.GetValueOrDefault($"{kind}.total") + Long(r, 2));
        });
        return figures;
    }

    /// <summary>The handovers' counts in SQL; their speed in working hours (the organisation's default SLA week, as the bench sets none), nearest rank.</summary>
    public async Task<BenchFigures> ResponseAsync(SqliteConnection connection)
    {
        const string Where = """
            FROM "Handovers" WHERE "OrganisationId" = $org AND "OwnerId" IS NOT NULL AND "AssignedAt" >= $lo AND "AssignedAt" < $hi
            """;
        var figures = new BenchFigures();
        await ReadAsync(connection, $"SELECT COUNT(*), COUNT(\"FirstTouchAt\"), SUM(\"FirstTouchAt\" <= \"SlaDueAt\"), SUM(\"BreachedAt\" IS NOT NULL) {Where}", Year, r =>
        {
            figures.Set("handovers", Long(r, 0));
            figures.Set("touched", Long(r, 1));
            figures.Set("met", Long(r, 2));
            figures.Set("breached", Long(r, 3));
        });
        string? zone = null;
        await ReadAsync(connection, "SELECT \"TimeZone\" FROM \"Organisations\" WHERE \"Id\" = $org", Year, r => zone = r.IsDBNull(0) ? null : r.GetString(0));
        var week = Leadgate.Handover.SlaSettings.Default.Week(zone ?? "UTC");
        var hours = new List<double>();
        await ReadAsync(connection, $"SELECT \"AssignedAt\", \"FirstTouchAt\" {Where} AND \"FirstTouchAt\" IS NOT NULL", Year, r =>
            hours.Add(week.Between(new DateTimeOffset(r.GetInt64(0), TimeSpan.Zero), new DateTimeOffset(r.GetInt64(1), TimeSpan.Zero)).TotalHours));
        hours.Sort();
        if (hours.Count > 0)
        {
            figures.Set("medianHours", decimal.Round((decimal)hours[((hours.Count + 1) / 2) - 1], 2));
            figures.Set("p75Hours", decimal.Round((decimal)hours[((hours.Count * 3) + 3) / 4 - 1], 2));
        }

        return figures;
    }

    public async Task<BenchFigures> SourcesAsync(SqliteConnection connection)
    {
        var funnel = $"""
            WITH {PerLead()}
            SELECT l."Source", SUM(r0 >= $lo AND r0 < $hi), SUM(r1 >= $lo AND r1 < $hi), SUM(r2 >= $lo AND r2 < $hi), SUM(r4 >= $lo AND r4 < $hi)
            FROM per p JOIN "Leads" l ON l."Id" = p.lead_id GROUP BY l."Source"
            """;
        const string Won = """
            SELECT l."Source", COUNT(*), SUM(CAST(COALESCE(d."WonAmount", d."Value") AS REAL))
            FROM "Deals" d JOIN "Leads" l ON l."Id" = d."LeadId"
            WHERE d."OrganisationId" = $org AND d."Status" = 'Won' AND d."ClosedOn" >= $loDay AND d."ClosedOn" < $hiDay GROUP BY l."Source"
            """;
        var figures = new BenchFigures();
        await ReadAsync(connection, funnel, Year, r =>
        {
            var key = r.IsDBNull(0) ? "(none)" : r.GetString(0);
            figures.Set(key + ".leads", Long(r, 1));
            figures.Set(key + ".mqls", Long(r, 2));
            figures.Set(key + ".sqls", Long(r, 3));
            figures.Set(key + ".won", Long(r, 4));
        });
        await ReadAsync(connection, Won, Year, r =>
        {
            var key = r.IsDBNull(0) ? "(none)" : r.GetString(0);
            figures.Set(key + ".dealsWon", Long(r, 1));
            figures.Set(key + ".wonValue", Money(r, 2));
        });
        return figures;
    }

    public async Task<BenchFigures> WinRateAsync(SqliteConnection connection)
    {
        const string Sql = """
            SELECT SUM("Status" = 'Won'), SUM("Status" = 'Lost'), SUM(CASE WHEN "Status" = 'Won' THEN CAST(COALESCE("WonAmount", "Value") AS REAL) END),
              SUM(CASE WHEN "Status" = 'Won' THEN MAX(0, CAST(julianday("ClosedOn") - 1721425.5 AS INTEGER) - "CreatedAt" / 864000000000) END)
            FROM "Deals" WHERE "OrganisationId" = $org AND "Status" IN ('Won', 'Lost') AND "ClosedOn" >= $loDay AND "ClosedOn" < $hiDay
            """;
        var figures = new BenchFigures();
        await ReadAsync(connection, Sql, Year, r =>
        {
            var won = Long(r, 0);
            var value = Money(r, 2);
            figures.Set("won", won);
            figures.Set("lost", Long(r, 1));
            figures.Set("wonValue", value);
            figures.Set("averageDealValue", won == 0 ? null : decimal.Round(value / won, 2));
            figures.Set("averageCycleDays", won == 0 ? null : decimal.Round(Convert.ToDecimal(r.GetDouble(3)) / won, 2));
        });
        return figures;
    }

    public async Task<BenchFigures> PipelineAsync(SqliteConnection connection)
    {
        const string Sql = """
            SELECT d."StageId", COUNT(*), SUM(CAST(d."Value" AS REAL)), SUM(CAST(d."Value" AS REAL) * COALESCE(d."RepProbability", d."StageProbability") / 100.0),
              SUM(s."StaleAfterDays" > 0 AND MAX(COALESCE(l."LastActivityAt", 0), d."CreatedAt") < $now - s."StaleAfterDays" * 864000000000
                AND NOT EXISTS (SELECT 1 FROM "ScheduledActivities" a WHERE a."DealId" = d."Id" AND a."DoneAt" IS NULL AND a."DueAt" > $now))
            FROM "Deals" d JOIN "Leads" l ON l."Id" = d."LeadId" LEFT JOIN "PipelineStages" s ON s."Id" = d."StageId"
            WHERE d."OrganisationId" = $org AND d."Status" = 'Open' GROUP BY d."StageId"
            """;
        var figures = new BenchFigures();
        await ReadAsync(connection, Sql, Year, r =>
        {
            var key = r.IsDBNull(0) ? "(none)" : SqliteGuids.FromBytes(r.GetFieldValue<byte[]>(0)).ToString();
            figures.Set(key + ".deals", Long(r, 1));
            figures.Set(key + ".value", Money(r, 2));
            figures.Set(key + ".weighted", Money(r, 3));
            figures.Set(key + ".stale", Long(r, 4));
        });
        return figures;
    }

    /// <summary>
    /// The forecast's numbers: the weighted pipeline of this month and the five after it; the back-test of the six months
    /// before this one (each deal's last history row before the month's start, and the deals first won in it); the run rate's
    /// inputs over the twelve months before this one (MQLs by month and lag to Customer, won deals, win rate per stage passed).
    /// </summary>
    public async Task<BenchFigures> ForecastAsync(SqliteConnection connection)
    {
        var figures = new BenchFigures();
        const string Weighted = """
            SELECT strftime('%Y-%m', CASE WHEN "Status" = 'Won' THEN "ClosedOn" ELSE "ExpectedCloseDate" END) AS month,
              CASE WHEN "Status" = 'Won' THEN 'Closed' ELSE COALESCE("RepForecastCategory", "StageForecastCategory") END AS category, COUNT(*),
              SUM(CAST(CASE WHEN "Status" = 'Won' THEN COALESCE("WonAmount", "Value") ELSE "Value" END AS REAL)),
              SUM(CAST(CASE WHEN "Status" = 'Won' THEN COALESCE("WonAmount", "Value") ELSE "Value" END AS REAL)
                * (CASE WHEN "Status" = 'Won' THEN 100 ELSE COALESCE("RepProbability", "StageProbability") END) / 100.0)
            FROM "Deals" WHERE "OrganisationId" = $org
              AND (("Status" = 'Open' AND "ExpectedCloseDate" >= $loDay AND "ExpectedCloseDate" < $hiDay) OR ("Status" = 'Won' AND "ClosedOn" >= $loDay AND "ClosedOn" < $hiDay))
            GROUP BY month, category
            """;
        var ahead = (periods.ThisMonth, periods.ThisMonth.AddMonths(6));
        await ReadAsync(connection, Weighted, ahead, r =>
        {
            var key = $"weighted.{r.GetString(0)}.{r.GetString(1)}";
            figures.Set(key + ".deals", Long(r, 2));
            figures.Set(key + ".value", Money(r, 3));
            figures.Set(key + ".weighted", Money(r, 4));
        });

        var months = string.Join(", ", Enumerable.Range(1, 6).Select(back =>
        {
            var month = periods.ThisMonth.AddMonths(-back);
            return string.Create(CultureInfo.InvariantCulture,
                $"('{month:yyyy-MM}', {Periods.Ticks(month)}, {Periods.Ticks(month.AddMonths(1))}, '{Periods.Text(month)}', '{Periods.Text(month.AddMonths(1))}')");
        }));
        var backtest = $"""
            WITH months(month, s, e, ds, de) AS (VALUES {months}),
            ch AS (SELECT "DealId", "At", "Status", "ExpectedCloseDate", "Value", "Probability", LEAD("At") OVER (PARTITION BY "DealId" ORDER BY "At") AS next_at
              FROM "DealChanges" WHERE "OrganisationId" = $org AND "At" < $hi),
            forecast AS (SELECT mo.month, SUM(CAST(ch."Value" AS REAL) * ch."Probability" / 100.0) AS value FROM ch JOIN months mo ON ch."At" < mo.s AND (ch.next_at IS NULL OR ch.next_at >= mo.s)
              WHERE ch."Status" = 'Open' AND ch."ExpectedCloseDate" >= mo.ds AND ch."ExpectedCloseDate" < mo.de GROUP BY mo.month),
            won AS (SELECT "DealId", MIN("At") AS at FROM "DealChanges" WHERE "OrganisationId" = $org AND "Status" = 'Won' AND "At" < $hi GROUP BY "DealId"),
            actual AS (SELECT mo.month, SUM(CAST(COALESCE(d."WonAmount", c."Value") AS REAL)) AS value FROM won w
              JOIN "DealChanges" c ON c."DealId" = w."DealId" AND c."At" = w.at AND c."Status" = 'Won' JOIN "Deals" d ON d."Id" = w."DealId"
              JOIN months mo ON w.at >= mo.s AND w.at < mo.e GROUP BY mo.month)
            SELECT mo.month, f.value, a.value FROM months mo LEFT JOIN forecast f ON f.month = mo.month LEFT JOIN actual a ON a.month = mo.month
            """;
        await ReadAsync(connection, backtest, (periods.ThisMonth.AddMonths(-6), periods.ThisMonth), r =>
        {
            figures.Set($"backtest.{r.GetString(0)}.forecast", Money(r, 1));
            figures.Set($"backtest.{r.GetString(0)}.actual", Money(r, 2));
        });

        // The run rate's inputs, over the twelve whole months before this one.
        var measured = (periods.ThisMonth.AddMonths(-12), periods.ThisMonth);
        const string MonthIndex = "(CAST(strftime('%Y', ({0} - 621355968000000000) / 10000000, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', ({0} - 621355968000000000) / 10000000, 'unixepoch') AS INTEGER) - 1)";
        const string Date = "date(({0} - 621355968000000000) / 10000000, 'unixepoch')";
        string Of(string format, string column) => string.Format(CultureInfo.InvariantCulture, format, column);
        var lags = $"""
            WITH {PerLead()}
            SELECT {Of(MonthIndex, "e1")} AS mql_month, CASE WHEN r4 IS NOT NULL AND {Of(Date, "r4")} >= {Of(Date, "e1")} THEN {Of(MonthIndex, "r4")} - {Of(MonthIndex, "e1")} END AS lag, COUNT(*)
            FROM per WHERE e1 >= $lo AND e1 < $hi GROUP BY mql_month, lag
            """;
        var thisMonth = (periods.ThisMonth.Year * 12) + periods.ThisMonth.Month - 1;
        var byMonth = new List<(long Month, long? Lag, long Count)>();
        await ReadAsync(connection, lags, measured, r => byMonth.Add((Long(r, 0), r.IsDBNull(1) ? null : Long(r, 1), Long(r, 2))));
        figures.Set("runRate.mqls", byMonth.Where(m => m.Month >= thisMonth - 6).Sum(m => m.Count));
        for (var lag = 0; lag < 6; lag++)
        {
            var complete = byMonth.Where(m => m.Month + lag < thisMonth).ToList();
            figures.Set($"runRate.lag{lag}.numerator", complete.Where(m => m.Lag == lag).Sum(m => m.Count));
            figures.Set($"runRate.lag{lag}.denominator", complete.Sum(m => m.Count));
        }

        const string WonDeals = """
            SELECT COUNT(*), SUM(CAST(COALESCE("WonAmount", "Value") AS REAL)) FROM "Deals"
            WHERE "OrganisationId" = $org AND "Status" = 'Won' AND "ClosedOn" >= $loDay AND "ClosedOn" < $hiDay
            """;
        await ReadAsync(connection, WonDeals, measured, r =>
        {
            var won = Long(r, 0);
            figures.Set("runRate.wonDeals", won);
            figures.Set("runRate.averageDealValue", won == 0 ? null : decimal.Round(Money(r, 1) / won, 2));
        });
        const string WinRates = """
            SELECT p."StageId", COUNT(*), SUM(d."Status" = 'Won') FROM (SELECT DISTINCT "DealId", "StageId" FROM "DealChanges"
              WHERE "OrganisationId" = $org AND "Status" = 'Open' AND "StageId" IS NOT NULL) p JOIN "Deals" d ON d."Id" = p."DealId"
            WHERE d."Status" IN ('Won', 'Lost') AND d."ClosedOn" >= $loDay AND d."ClosedOn" < $hiDay GROUP BY p."StageId"
            """;
        await ReadAsync(connection, WinRates, measured, r =>
        {
            var key = "runRate." + SqliteGuids.FromBytes(r.GetFieldValue<byte[]>(0));
            figures.Set(key + ".closed", Long(r, 1));
            figures.Set(key + ".won", Long(r, 2));
        });
        const string Open = """
            SELECT "StageId", COUNT(*), SUM(CAST("Value" AS REAL)) FROM "Deals" WHERE "OrganisationId" = $org AND "Status" = 'Open' AND "StageId" IS NOT NULL GROUP BY "StageId"
            """;
        await ReadAsync(connection, Open, measured, r =>
        {
            var key = "runRate." + SqliteGuids.FromBytes(r.GetFieldValue<byte[]>(0));
            figures.Set(key + ".openDeals", Long(r, 1));
            figures.Set(key + ".openValue", Money(r, 2));
        });
        return figures;
    }

    private (DateOnly From, DateOnly To) Year => (periods.From, periods.To);

    private async Task ReadAsync(SqliteConnection connection, string sql, (DateOnly From, DateOnly To) range, Action<SqliteDataReader> row)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed text; every value is a parameter or a date the bench computed.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue("$org", SqliteGuids.ToBytes(OrganisationId));
        command.Parameters.AddWithValue("$lo", Periods.Ticks(range.From));
        command.Parameters.AddWithValue("$hi", Periods.Ticks(range.To));
        command.Parameters.AddWithValue("$loDay", Periods.Text(range.From));
        command.Parameters.AddWithValue("$hiDay", Periods.Text(range.To));
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.UtcTicks); // as the report reads the clock: stale is "now"
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            row(reader);
        }
    }

    /// <summary>The organisation the reports count; set once the bench has created it.</summary>
    public Guid OrganisationId { get; init; }

    private static long Long(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);

    private static decimal Money(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0m : decimal.Round(Convert.ToDecimal(reader.GetDouble(ordinal), CultureInfo.InvariantCulture), 2);

    private static decimal? Days(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : decimal.Round(Convert.ToDecimal(reader.GetDouble(ordinal), CultureInfo.InvariantCulture), 2);
}

/// <summary>A report's numbers as named figures, so the product's answer and the baseline's can be compared one by one.</summary>
internal sealed class BenchFigures : SortedDictionary<string, decimal>
{
    public BenchFigures()
        : base(StringComparer.Ordinal)
    {
    }

    public void Set(string key, decimal value) => this[key] = value;

    public void Set(string key, long value) => this[key] = value;

    public void Set(string key, decimal? value)
    {
        if (value is { } v)
        {
            this[key] = v;
        }
    }
}
