using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Reports;

/// <summary>One week (Monday to Sunday, UTC) of first entries into MQL, SQL and Customer.</summary>
public sealed record TrendWeek(DateOnly Monday, int Mqls, int Sqls, int Won);

/// <summary>
/// The dashboard's weekly trend: per week, the leads that entered MQL, SQL and Customer for the first time (docs/reports.md,
/// "entered"; a recycled MQL is not counted again), over the last <see cref="Weeks"/> whole weeks and the current one.
/// </summary>
public sealed class GetTrends(LeadgateDbContext db, TimeProvider clock)
{
    public const int Weeks = 12;

    private static readonly Stage[] Tracked = [Stage.Mql, Stage.Sql, Stage.Customer];

    public async Task<Result<IReadOnlyList<TrendWeek>>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (ReportFilter.Refused(actor) is { } refused)
        {
            return refused;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var thisMonday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var firstMonday = thisMonday.AddDays(-7 * Weeks);
        var from = new DateTimeOffset(firstMonday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var org = actor.OrganisationId;
        var tracked = Tracked;
        // A first entry: no earlier event of the same lead into the same stage.
        var entries = await db.StageEvents.AsNoTracking()
            .Where(e => e.OrganisationId == org && tracked.Contains(e.To) && e.At >= from)
            .Where(e => !db.StageEvents.Any(p => p.LeadId == e.LeadId && p.To == e.To && p.At < e.At))
            .Select(e => new { e.To, e.At })
            .ToListAsync(cancellationToken);
        var weeks = new List<TrendWeek>(Weeks + 1);
        for (var monday = firstMonday; monday <= thisMonday; monday = monday.AddDays(7))
        {
            var start = new DateTimeOffset(monday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var end = start.AddDays(7);
            int Count(Stage stage) => entries.Count(e => e.To == stage && e.At >= start && e.At < end);
            weeks.Add(new TrendWeek(monday, Count(Stage.Mql), Count(Stage.Sql), Count(Stage.Customer)));
        }

        return weeks;
    }
}
