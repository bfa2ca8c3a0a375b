using System.Globalization;
using System.Text;
using Leadgate.Reports;

namespace Leadgate.Data.Migrations;

/// <summary>
/// Issue 17's migration: the <see cref="LeadFunnel"/> rows of the leads that have stage events, and the triggers that keep them
/// whenever a stage event is written, moved (a merge) or deleted — in the database, so that no way of writing stage events
/// can forget them. An inserted event only lowers the first entries and reaches it concerns; an update or a delete counts
/// the lead's funnel again from its remaining events. Events into Nurture or Disqualified change nothing here (they are not
/// funnel stages).
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

    /// <summary>The funnel rows counted from the stage events <paramref name="where"/> selects (alias e), one per lead.</summary>
    private static string Count(string where) =>
        $"INSERT INTO \"LeadFunnels\" (\"LeadId\", \"OrganisationId\", {ColumnList}) SELECT e.\"LeadId\", e.\"OrganisationId\", "
        + string.Join(", ", Columns("e").Select(c => $"MIN({c.Value})"))
        + $" FROM \"StageEvents\" e WHERE e.\"To\" IN ({Funnel}) AND {where} GROUP BY e.\"LeadId\", e.\"OrganisationId\";";

    /// <summary>
    /// One inserted event's row, merged into the lead's: each column the earlier of the two (NULL counts as later). For an
    /// event into stage <paramref name="stage"/> (an index into the funnel stages) only the columns it can lower are named:
    /// that stage's first entry and the first reach of it and every earlier stage, each with and without imported history.
    /// Naming fewer columns is what keeps the import fast on SQLite (a trigger with all twenty cost 15 µs more per row).
    /// </summary>
    private static string Merge(bool sqlite, int? stage = null)
    {
        var columns = stage is { } k
            ? [.. Columns("NEW").Where(c => IsLoweredBy(c.Column, k)).Select(c => (c.Column, Value: c.Column.EndsWith("Unimported", StringComparison.Ordinal)
                ? "CASE WHEN NEW.\"ActorKind\" <> 'Import' THEN NEW.\"At\" END"
                : "NEW.\"At\""))]
            : Columns("NEW").ToList();
        return $"INSERT INTO \"LeadFunnels\" (\"LeadId\", \"OrganisationId\", {string.Join(", ", columns.Select(c => $"\"{c.Column}\""))}) VALUES (NEW.\"LeadId\", NEW.\"OrganisationId\", "
            + string.Join(", ", columns.Select(c => c.Value))
            + ") ON CONFLICT (\"OrganisationId\", \"LeadId\") DO UPDATE SET "
            + string.Join(", ", columns.Select(c => sqlite
                ? $"\"{c.Column}\" = COALESCE(MIN(\"{c.Column}\", excluded.\"{c.Column}\"), \"{c.Column}\", excluded.\"{c.Column}\")"
                : $"\"{c.Column}\" = LEAST(\"LeadFunnels\".\"{c.Column}\", EXCLUDED.\"{c.Column}\")"))
            + ";";
    }

    /// <summary>Whether an event into funnel stage <paramref name="stage"/> can lower <paramref name="column"/>.</summary>
    private static bool IsLoweredBy(string column, int stage)
    {
        foreach (var includeImported in new[] { true, false })
        {
            for (var s = 0; s <= stage; s++)
            {
                if (column == LeadFunnel.Column(s, reached: true, includeImported) || (s == stage && column == LeadFunnel.Column(s, reached: false, includeImported)))
                {
                    return true;
                }
            }
        }

        return false;
    }

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
            var sql = new StringBuilder(Count("1 = 1")).AppendLine();
            for (var k = 0; k < Stages.Length; k++)
            {
                sql.AppendLine(CultureInfo.InvariantCulture,
                    $"CREATE TRIGGER \"TR_StageEvents_LeadFunnels_Insert{Stages[k]}\" AFTER INSERT ON \"StageEvents\" WHEN NEW.\"To\" = '{Stages[k]}' BEGIN {Merge(sqlite: true, k)} END;");
            }

            sql.AppendLine(CultureInfo.InvariantCulture,
                $"CREATE TRIGGER \"TR_StageEvents_LeadFunnels_Update\" AFTER UPDATE OF {Watched} ON \"StageEvents\" BEGIN {Recount("OLD.\"OrganisationId\"", "OLD.\"LeadId\"")} {Recount("NEW.\"OrganisationId\"", "NEW.\"LeadId\"")} END;");
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"CREATE TRIGGER \"TR_StageEvents_LeadFunnels_Delete\" AFTER DELETE ON \"StageEvents\" BEGIN {Recount("OLD.\"OrganisationId\"", "OLD.\"LeadId\"")} END;");
            return sql.ToString();
        }
    }

    public static string SqliteDown => string.Concat(Stages.Select(s => $"DROP TRIGGER IF EXISTS \"TR_StageEvents_LeadFunnels_Insert{s}\";\n")) + """
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
                    IF TG_OP = 'INSERT' THEN
                        {Merge(sqlite: false)}
                    ELSE
                        PERFORM "LeadFunnels_Recount"(OLD."OrganisationId", OLD."LeadId");
                        IF TG_OP = 'UPDATE' AND (NEW."LeadId", NEW."OrganisationId") IS DISTINCT FROM (OLD."LeadId", OLD."OrganisationId") THEN
                            PERFORM "LeadFunnels_Recount"(NEW."OrganisationId", NEW."LeadId");
                        END IF;
                    END IF;
                    RETURN NULL;
                END $$;
                """);
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"CREATE TRIGGER \"TR_StageEvents_LeadFunnels_Insert\" AFTER INSERT ON \"StageEvents\" FOR EACH ROW WHEN (NEW.\"To\" IN ({Funnel})) EXECUTE FUNCTION \"LeadFunnels_Keep\"();");
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"CREATE TRIGGER \"TR_StageEvents_LeadFunnels_Change\" AFTER UPDATE OF {Watched} OR DELETE ON \"StageEvents\" FOR EACH ROW EXECUTE FUNCTION \"LeadFunnels_Keep\"();");
            return sql.ToString();
        }
    }

    public const string PostgresDown = """
        DROP TRIGGER IF EXISTS "TR_StageEvents_LeadFunnels_Insert" ON "StageEvents";
        DROP TRIGGER IF EXISTS "TR_StageEvents_LeadFunnels_Change" ON "StageEvents";
        DROP FUNCTION IF EXISTS "LeadFunnels_Keep"();
        DROP FUNCTION IF EXISTS "LeadFunnels_Recount"(uuid, uuid);
        """;
}
