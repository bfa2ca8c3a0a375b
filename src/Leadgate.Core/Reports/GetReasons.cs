using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;

namespace Leadgate.Reports;

/// <summary>One reason code of one kind of exit: how many exits gave it, and its share of that kind's exits.</summary>
public sealed record ReasonCount(string? Reason, long Count, Ratio Share);

/// <summary>One kind of exit — <c>sentBack</c>, <c>disqualified</c> or <c>lost</c> — with its total and its reasons, most given first.</summary>
public sealed record ExitReasons(string Kind, long Total, IReadOnlyList<ReasonCount> Reasons);

public sealed record ReasonGroup(string? Key, string Label, IReadOnlyList<ExitReasons> Kinds);

public sealed record ReasonReport(DateOnly From, DateOnly To, bool IncludeImported, string? By, IReadOnlyList<ExitReasons> Kinds, IReadOnlyList<ReasonGroup>? Groups);

/// <summary>Why leads left the funnel: the reason codes of sent-back, disqualified and lost leads (docs/reports.md, "Reasons").</summary>
public sealed class GetReasons(LeadgateDbContext db, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> KindNames = ["sentBack", "disqualified", "lost"];

    public async Task<Result<ReasonReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        var started = await ReportReading.StartAsync(db, query, actor, clock.GetUtcNow(), cancellationToken);
        if (started.Error is { } error)
        {
            return error;
        }

        var reading = started.Value;
        var filter = reading.Filter;
        Task<List<(string? Key, (string Kind, string? Reason, long Count) Row)>> ReadAsync(ReportReading from) => from.ReadAsync(
            sql => Sql(from, sql),
            r => (ReportSql.KeyOf(r.GetValue(0)), (r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), ReportReading.Long(r, 3))),
            cancellationToken);
        var rows = await ReadAsync(reading);
        IReadOnlyList<ReasonGroup>? groups = null;
        if (filter.By is not null)
        {
            groups = [.. (await reading.GroupsAsync(rows, cancellationToken)).Select(g => new ReasonGroup(g.Key, g.Label, Kinds(g.Rows)))];
        }

        var total = filter.By == ReportGrouping.Team ? await ReadAsync(reading.Ungrouped()) : rows;
        return new ReasonReport(filter.From, filter.To, filter.IncludeImported, reading.By, Kinds(total.Select(t => t.Row)), groups);
    }

    private static List<ExitReasons> Kinds(IEnumerable<(string Kind, string? Reason, long Count)> rows)
    {
        var list = rows.ToList();
        return [.. KindNames.Select(kind =>
        {
            var reasons = list.Where(r => r.Kind == kind).GroupBy(r => r.Reason).Select(g => (Reason: g.Key, Count: g.Sum(r => r.Count))).ToList();
            var total = reasons.Sum(r => r.Count);
            return new ExitReasons(kind, total, [.. reasons
                .OrderByDescending(r => r.Count).ThenBy(r => r.Reason is null).ThenBy(r => r.Reason, StringComparer.Ordinal)
                .Select(r => new ReasonCount(r.Reason, r.Count, Ratio.Of(r.Count, total)))]);
        })];
    }

    /// <summary>
    /// The exits in the period (stage events into Nurture or Disqualified), each attributed to a kind by the stage it left: from
    /// SQL or Opportunity a lost deal, from MQL into Nurture a lead sent back, otherwise a disqualification; counted per reason.
    /// </summary>
    private static string Sql(ReportReading reading, ReportSql sql)
    {
        var filter = reading.Filter;
        var text = new StringBuilder("SELECT x.group_key, x.kind, x.reason, COUNT(*) FROM (SELECT ").Append(ReportSql.GroupKeyOf(filter.By)).Append(" AS group_key,");
        text.Append(CultureInfo.InvariantCulture, $" CASE WHEN e.\"From\" IN ('{Stage.Sql}', '{Stage.Opportunity}') THEN 'lost' WHEN e.\"From\" = '{Stage.Mql}' AND e.\"To\" = '{Stage.Nurture}' THEN 'sentBack' ELSE 'disqualified' END AS kind,");
        var lead = ReportSql.ReadsLead(filter);
        text.Append(" e.\"Reason\" AS reason FROM \"StageEvents\" e");
        if (lead)
        {
            text.Append(" JOIN \"Leads\" l ON l.\"Id\" = e.\"LeadId\"").Append(ReportSql.DealOfLead(filter)).Append(sql.TeamJoin(filter.By));
        }

        text.Append(CultureInfo.InvariantCulture, $" WHERE e.\"OrganisationId\" = @org{(lead ? " AND l.\"OrganisationId\" = @org" : "")} AND e.\"To\" IN ('{Stage.Nurture}', '{Stage.Disqualified}') AND e.\"At\" >= @from AND e.\"At\" < @to");
        if (!filter.IncludeImported)
        {
            text.Append(" AND e.\"ActorKind\" <> 'Import'");
        }

        text.Append(sql.LeadFilters(filter)).Append(") x GROUP BY x.group_key, x.kind, x.reason");
        return text.ToString();
    }
}
