using System.Data.Common;
using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Leadgate.Reports;

/// <summary>
/// Runs one report's SQL on the context's connection and maps its rows: the command, its parameters and the few expressions
/// whose text differs between SQLite (times as UTC ticks, decimals as text) and PostgreSQL.
/// </summary>
internal sealed class ReportReading(LeadgateDbContext db, ReportFilter filter, Guid organisationId, IReadOnlyList<(string, IReadOnlyList<Guid>)> teams)
{
    /// <summary>A reading of <paramref name="filter"/>; a team grouping reads the routing teams first.</summary>
    public static async Task<ReportReading> OpenAsync(LeadgateDbContext db, ReportFilter filter, Guid organisationId, CancellationToken cancellationToken)
    {
        IReadOnlyList<(string, IReadOnlyList<Guid>)> teams = [];
        if (filter.By == ReportGrouping.Team)
        {
            var (routing, _) = await db.HandoverSettingsOfAsync(organisationId, cancellationToken);
            teams = [.. routing.Teams.Select(t => (t.Name, t.Members))];
        }

        return new ReportReading(db, filter, organisationId, teams);
    }

    /// <summary>What every report does first: refuse a sales user, check the query, read the teams a team grouping needs.</summary>
    public static async Task<Result<ReportReading>> StartAsync(
        LeadgateDbContext db, ReportQuery query, Actor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (ReportFilter.Refused(actor) is { } refused)
        {
            return refused;
        }

        var parsed = await ReportFilter.ParseAsync(query, db, actor.OrganisationId, now, cancellationToken);
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        return await OpenAsync(db, parsed.Value, actor.OrganisationId, cancellationToken);
    }

    /// <summary>The same reading without its grouping: for totals that cannot be summed from groups (percentiles, teams that overlap).</summary>
    public ReportReading Ungrouped() => new(db, filter with { By = null }, organisationId, []);

    public bool Sqlite { get; } = db.Provider == DatabaseProvider.Sqlite;

    public ReportFilter Filter => filter;

    public string? By => filter.By is { } by ? ReportFilter.Camel(by.ToString()) : null;

    /// <summary>Runs the SQL <paramref name="build"/> writes (it adds its parameters through the <see cref="ReportSql"/>); @org, @from and @to are there.</summary>
    public async Task<List<T>> ReadAsync<T>(Func<ReportSql, string> build, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await EachAsync(build, reader => rows.Add(map(reader)), cancellationToken);
        return rows;
    }

    /// <summary>As <see cref="ReadAsync{T}"/>, but hands each row to <paramref name="row"/> as it is read, keeping none.</summary>
    public async Task EachAsync(Func<ReportSql, string> build, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var parameters = new ReportSql(command, Sqlite) { Teams = teams };
            parameters.Add("@org", GetFunnel.Key(organisationId, Sqlite));
            parameters.Add("@from", GetFunnel.Time(filter.Start, Sqlite));
            parameters.Add("@to", GetFunnel.Time(filter.End, Sqlite));
#pragma warning disable CA2100 // The SQL is built from fixed text; every value is a parameter.
            command.CommandText = build(parameters);
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Days from <paramref name="earlier"/> to <paramref name="later"/> (two stored times) as a fraction.</summary>
    public string DaysBetween(string earlier, string later) => Sqlite
        ? $"(({later}) - ({earlier})) / 864000000000.0"
        : $"(EXTRACT(EPOCH FROM (({later}) - ({earlier}))) / 86400.0)";

    /// <summary>A stored date's month as year × 12 + month − 1 (text yyyy-MM-dd on SQLite, a date on PostgreSQL).</summary>
    public string MonthIndex(string date) => Sqlite
        ? $"(CAST(substr({date}, 1, 4) AS INTEGER) * 12 + CAST(substr({date}, 6, 2) AS INTEGER) - 1)"
        : $"(CAST(EXTRACT(YEAR FROM {date}) AS integer) * 12 + CAST(EXTRACT(MONTH FROM {date}) AS integer) - 1)";

    /// <summary>A stored decimal as a number SQL can sum (SQLite keeps decimals as text).</summary>
    public string Number(string column) => Sqlite ? $"CAST({column} AS REAL)" : column;

    /// <summary>A stored time minus a number of whole days (an integer column).</summary>
    public string DaysBefore(string time, string days) => Sqlite
        ? $"({time} - ({days}) * 864000000000)"
        : $"({time} - ({days}) * INTERVAL '1 day')";

    /// <summary>
    /// Whole days from a stored time's UTC date to a stored date (a deal's opening to its close); a close dated before the opening's
    /// UTC date (a rep west of UTC closing on the day it opened) counts 0.
    /// </summary>
    public string WholeDaysFromTimeToDate(string time, string date) => Sqlite
        ? $"MAX(0, CAST(julianday({date}) - 1721425.5 AS INTEGER) - ({time} / 864000000000))"
        : $"GREATEST(0, {date} - CAST({time} AT TIME ZONE 'UTC' AS date))";

    /// <summary>
    /// A stored time as the report SQL reads it back: UTC ticks on SQLite, a timestamp on PostgreSQL. Each read here asks the
    /// reader once (no IsDBNull first): at a million leads every call to the reader is felt.
    /// </summary>
    public static DateTimeOffset? Stored(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DBNull => null,
        long ticks => new DateTimeOffset(ticks, TimeSpan.Zero),
        DateTimeOffset at => at.ToUniversalTime(),
        DateTime at => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)),
        var other => throw new InvalidOperationException($"A stored time of type {other.GetType().Name}."),
    };

    public static long Long(DbDataReader reader, int ordinal) =>
        reader.GetValue(ordinal) is var value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;

    public static decimal Decimal(DbDataReader reader, int ordinal) =>
        reader.GetValue(ordinal) is var value and not DBNull ? Convert.ToDecimal(value, CultureInfo.InvariantCulture) : 0m;

    public static decimal? Days(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : decimal.Round(Convert.ToDecimal(reader.GetValue(ordinal), CultureInfo.InvariantCulture), 2);

    /// <summary>
    /// Every lead of the organisation with a funnel row (<see cref="LeadFunnel"/>), one row each: its first entry into each
    /// funnel stage (e0…e4) and its first reach of each (r0…r4: the earliest entry into it or a later funnel stage), from all its
    /// stage events or, without imported history, from the others; joined to the lead and its deal only to filter or group,
    /// with its group key (<c>group_key</c>). Named <c>leads_in</c>. Each report keeps the leads whose first entries it counts
    /// (those lie in its period, so the lead had an event there).
    /// </summary>
    public string FirstEntries(ReportSql sql)
    {
        var text = new StringBuilder("WITH leads_in AS (SELECT f.\"LeadId\" AS lead_id");
        for (var s = 0; s < GetFunnel.FunnelStages.Count; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $", f.\"{LeadFunnel.Column(s, reached: false, filter.IncludeImported)}\" AS e{s}");
            text.Append(CultureInfo.InvariantCulture, $", f.\"{LeadFunnel.Column(s, reached: true, filter.IncludeImported)}\" AS r{s}");
        }

        text.Append(", ").Append(ReportSql.GroupKeyOf(filter.By)).Append(" AS group_key FROM \"LeadFunnels\" f");
        if (ReportSql.ReadsLead(filter))
        {
            text.Append(" JOIN \"Leads\" l ON l.\"Id\" = f.\"LeadId\"").Append(ReportSql.DealOfLead(filter)).Append(sql.TeamJoin(filter.By));
        }

        text.Append(" WHERE f.\"OrganisationId\" = @org").Append(sql.LeadFilters(filter)).Append(')');
        return text.ToString();
    }

    /// <summary>
    /// The ordered groups of a grouped report from its keyed rows: labels for owners and pipelines, teams as named, ordered
    /// by label with the group without a value last; with a team filter only that team.
    /// </summary>
    public async Task<IReadOnlyList<(string? Key, string Label, List<T> Rows)>> GroupsAsync<T>(
        IEnumerable<(string? Key, T Row)> rows, CancellationToken cancellationToken)
    {
        var by = filter.By ?? throw new InvalidOperationException("Not a grouped report.");
        var list = rows.ToList();
        var labels = by == ReportGrouping.Team
            ? new Dictionary<string, string>()
            : await ReportGroups.LabelsAsync(db, organisationId, by, list.Select(r => r.Key), cancellationToken);
        return [.. list.GroupBy(r => r.Key)
            .Where(g => filter.Team is null || by != ReportGrouping.Team || string.Equals(g.Key, filter.Team, StringComparison.OrdinalIgnoreCase))
            .Select(g => (g.Key, Label: g.Key is null ? ReportGroups.NoValue(by) : labels.GetValueOrDefault(g.Key, g.Key), Rows: g.Select(r => r.Row).ToList()))
            .OrderBy(g => g.Key is null).ThenBy(g => g.Label, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.Key, StringComparer.Ordinal)];
    }

    /// <summary>The funnel stage names in order, for reports that label stages.</summary>
    public static string StageName(int index) => GetFunnel.FunnelStages[index].ToString();

    public static Stage StageAt(int index) => GetFunnel.FunnelStages[index];
}
