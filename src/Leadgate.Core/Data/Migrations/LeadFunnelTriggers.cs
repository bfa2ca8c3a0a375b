using System.Globalization;
using System.Text;
using Leadgate.Reports;

namespace Leadgate.Data.Migrations;

/// <summary>
/// Issue 17's migration: the <see cref="LeadFunnel"/> rows of the leads that have stage events, and the triggers that count a
/// lead's row again from its remaining events whenever one of them is moved (a merge), changed or deleted — rare writes,
/// and in the database, so that no ExecuteUpdate or cascade can forget them. New events are added to their rows by their
/// writers (<see cref="LeadFunnel.KeepAsync"/>), not by an insert trigger: on SQLite a trigger made every row the import
/// writes a two-table statement with its own statement journal (decision 0011). Events into Nurture or Disqualified change
/// nothing here (they are not funnel stages).
/// </summary>
internal static class LeadFunnelTriggers
{
    private static readonly string[] Stages = [.. GetFunnel.FunnelStages.Select(s => s.ToString())];

    private static string Funnel => string.Join(", ", Stages.Select(s => $"'{s}'"));

    /// <summary>The twenty columns, in a fixed order, each with the value one stage event <paramref name="e"/> gives it (or NULL).</summary>
    private static IEnumerable<(string Column, string Value)> Columns(string e)
    {
        foreach (var includeImported in new[] { true, false })
        {
            var own = includeImported ? "" : $" AND {e}.\"ActorKind\" <> 'Import'";
            for (var s = 0; s < Stages.Length; s++)
            {
                yield return (LeadFunnel.Column(s, reached: false, includeImported), $"CASE WHEN {e}.\"To\" = '{Stages[s]}'{own} THEN {e}.\"At\" END");
                var later = string.Join(", ", Stages.Skip(s).Select(t => $"'{t}'"));
                yield return (LeadFunnel.Column(s, reached: true, includeImported), $"CASE WHEN {e}.\"To\" IN ({later}){own} THEN {e}.\"At\" END");
            }
        }
    }

    private static string ColumnList => string.Join(", ", Columns("e").Select(c => $"\"{c.Column}\""));

    /// <summary>
    /// The funnel rows counted from the stage events <paramref name="where"/> selects (alias e), one per lead. With
    /// <paramref name="sqliteScan"/>, for a count over many leads on SQLite, the events are read in the table's own order and
    /// grouped in a temporary B-tree (NOT INDEXED): SQLite's planner otherwise walks the (LeadId, At) index and looks up every
    /// event's row at random (a table written in time order holds a lead's events far apart): 10.8 s for 2,000,000 events
    /// against 4.4 s scanned, the same rows.
    /// A lead's own recount (the triggers) keeps the index.
    /// </summary>
    private static string Count(string where, bool sqliteScan = false) =>
        $"INSERT INTO \"LeadFunnels\" (\"LeadId\", \"OrganisationId\", {ColumnList}) SELECT e.\"LeadId\", e.\"OrganisationId\", "
        + string.Join(", ", Columns("e").Select(c => $"MIN({c.Value})"))
        + $" FROM \"StageEvents\" e{(sqliteScan ? " NOT INDEXED" : "")} WHERE e.\"To\" IN ({Funnel}) AND {where} GROUP BY e.\"LeadId\", e.\"OrganisationId\";";

    /// <summary>
    /// Counts one organisation's funnel rows again from all its events, its parameter {0} the organisation: for stage events
    /// written around the product (the bench's raw seeder).
    /// </summary>
    public static string RecountOrganisation(bool sqlite) =>
        "DELETE FROM \"LeadFunnels\" WHERE \"OrganisationId\" = {0}; " + Count("e.\"OrganisationId\" = {0}", sqliteScan: sqlite);

    private static string Recount(string organisation, string lead) =>
        $"DELETE FROM \"LeadFunnels\" WHERE \"OrganisationId\" = {organisation} AND \"LeadId\" = {lead}; " + Count($"e.\"LeadId\" = {lead}");

    /// <summary>
    /// The table as EF's model has it, made by hand on SQLite to be a WITHOUT ROWID table: its rows are stored in the order of
    /// their key, organisation first, so a report reads one organisation's rows as one range of pages.
    /// </summary>
    public static string SqliteTable =>
        "CREATE TABLE \"LeadFunnels\" (\"LeadId\" BLOB NOT NULL, \"OrganisationId\" BLOB NOT NULL, "
        + string.Join(", ", Columns("e").Select(c => $"\"{c.Column}\" INTEGER NULL"))
        + ", CONSTRAINT \"PK_LeadFunnels\" PRIMARY KEY (\"OrganisationId\", \"LeadId\")) WITHOUT ROWID;";

    private const string Watched = "\"LeadId\", \"OrganisationId\", \"To\", \"At\", \"ActorKind\"";

    public static string Sqlite
    {
        get
        {
            var sql = new StringBuilder(Count("1 = 1", sqliteScan: true)).AppendLine();
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"CREATE TRIGGER \"TR_StageEvents_LeadFunnels_Update\" AFTER UPDATE OF {Watched} ON \"StageEvents\" BEGIN {Recount("OLD.\"OrganisationId\"", "OLD.\"LeadId\"")} {Recount("NEW.\"OrganisationId\"", "NEW.\"LeadId\"")} END;");
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"CREATE TRIGGER \"TR_StageEvents_LeadFunnels_Delete\" AFTER DELETE ON \"StageEvents\" BEGIN {Recount("OLD.\"OrganisationId\"", "OLD.\"LeadId\"")} END;");
            return sql.ToString();
        }
    }

    public const string SqliteDown = """
        DROP TRIGGER IF EXISTS "TR_StageEvents_LeadFunnels_Update";
        DROP TRIGGER IF EXISTS "TR_StageEvents_LeadFunnels_Delete";
        """;

    public static string Postgres
    {
        get
        {
            var sql = new StringBuilder(Count("TRUE")).AppendLine();
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"CREATE FUNCTION \"LeadFunnels_Recount\"(organisation_id uuid, lead_id uuid) RETURNS void LANGUAGE sql AS $$ {Recount("organisation_id", "lead_id")} $$;");
            sql.AppendLine(CultureInfo.InvariantCulture, $"""
                CREATE FUNCTION "LeadFunnels_Keep"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM "LeadFunnels_Recount"(OLD."OrganisationId", OLD."LeadId");
                    IF TG_OP = 'UPDATE' AND (NEW."LeadId", NEW."OrganisationId") IS DISTINCT FROM (OLD."LeadId", OLD."OrganisationId") THEN
                        PERFORM "LeadFunnels_Recount"(NEW."OrganisationId", NEW."LeadId");
                    END IF;
                    RETURN NULL;
                END $$;
                """);
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"CREATE TRIGGER \"TR_StageEvents_LeadFunnels_Change\" AFTER UPDATE OF {Watched} OR DELETE ON \"StageEvents\" FOR EACH ROW EXECUTE FUNCTION \"LeadFunnels_Keep\"();");
            return sql.ToString();
        }
    }

    public const string PostgresDown = """
        DROP TRIGGER IF EXISTS "TR_StageEvents_LeadFunnels_Change" ON "StageEvents";
        DROP FUNCTION IF EXISTS "LeadFunnels_Keep"();
        DROP FUNCTION IF EXISTS "LeadFunnels_Recount"(uuid, uuid);
        """;
}
