using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Leads;

/// <summary>
/// The source stages present among the organisation's leads (decision 0007): what the list's filter offers, each value as
/// the source system wrote it, sorted without regard to case. Salesforce statuses are per organisation, so there is no
/// fixed list to offer instead.
/// </summary>
public sealed class ListSourceStages(LeadgateDbContext db)
{
    public async Task<IReadOnlyList<string>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var present = await PresentAsync(db, actor.OrganisationId, cancellationToken);
        return [.. present.Order(StringComparer.OrdinalIgnoreCase).ThenBy(v => v, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The stored values that equal <paramref name="wanted"/> without regard to case. The comparison is .NET's, not the
    /// database's: SQLite's <c>lower()</c> folds only ASCII letters, so comparing there would match <c>Über</c> and
    /// <c>über</c> on PostgreSQL only. The list then filters on these exact values, which the index finds.
    /// </summary>
    internal static async Task<List<string>> MatchingAsync(LeadgateDbContext db, Guid organisationId, string wanted, CancellationToken cancellationToken) =>
        [.. (await PresentAsync(db, organisationId, cancellationToken)).Where(v => string.Equals(v, wanted, StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// The distinct values by a loose index scan: from the smallest value, each step seeks the next larger one in the
    /// (organisation, source stage) index, so the cost grows with the number of distinct values (a handful), not with the
    /// organisation's leads (a DISTINCT reads every entry). The index is partial (leads with a source stage only): the first
    /// step says IS NOT NULL so that both databases may use it. The same SQL runs on SQLite and PostgreSQL.
    /// </summary>
    private static Task<List<string>> PresentAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        // Hand-written SQL binds the key as the provider stores it (16 bytes on SQLite, SqliteGuids), not as EF's default text.
        var organisation = Scoring.EventReads.Key(organisationId, db.Provider == DatabaseProvider.Sqlite);
        return db.Database.SqlQuery<string>($"""
            WITH RECURSIVE present("Value") AS (
                SELECT MIN("SourceStage") FROM "Leads" WHERE "OrganisationId" = {organisation} AND "SourceStage" IS NOT NULL
                UNION ALL
                SELECT (SELECT MIN(l."SourceStage") FROM "Leads" l WHERE l."OrganisationId" = {organisation} AND l."SourceStage" > present."Value")
                FROM present WHERE present."Value" IS NOT NULL)
            SELECT "Value" FROM present WHERE "Value" IS NOT NULL
            """).ToListAsync(cancellationToken);
    }
}
