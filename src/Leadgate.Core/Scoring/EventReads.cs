using System.Data.Common;
using System.Text.Json;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Leadgate.Scoring;

/// <summary>What scoring needs of a lead that already exists, read without tracking it.</summary>
internal sealed record LeadRow(Guid Id, string Email, long Version, Stage Stage, string? Industry, int? Employees, string? Country, string? JobTitle, decimal? FitScore, decimal EngagementScore);

/// <summary>
/// The reads event ingestion does for every group of events, in hand-written SQL through the context's own connection
/// and transaction. Through EF each of them cost more in building, caching and materialising the query than the database
/// took to answer it: reading the touched leads' earlier events was half of the writer's time under the HTTP load of
/// P2, nearly all of it parsing GUID text and mapping rows (docs/performance.md). A list goes as one parameter: a JSON
/// array read by <c>json_each</c> on SQLite, an array on PostgreSQL; each row names its item by position, so no key has
/// to be parsed back.
/// </summary>
internal static class EventReads
{
    private static readonly Dictionary<string, BehaviourType> Types = Enum.GetValues<BehaviourType>().ToDictionary(t => t.ToString(), StringComparer.Ordinal);

    private static readonly Dictionary<string, Stage> Stages = Enum.GetValues<Stage>().ToDictionary(s => s.ToString(), StringComparer.Ordinal);

    /// <summary>When the organisation's scoring settings last changed (UTC ticks), or null if it has none.</summary>
    public static async Task<long?> ModelChangedAtAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        await using var command = await CommandAsync(db, """SELECT "ChangedAt" FROM "ScoringSettings" WHERE "OrganisationId" = @org""", cancellationToken);
        Add(command, "@org", Key(organisationId, sqlite));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Ticks(reader, 0, sqlite) : null;
    }

    /// <summary>The organisation's events among <paramref name="externalIds"/>: each one's body hash and lead.</summary>
    public static async Task<Dictionary<string, (string BodyHash, Guid LeadId)>> KnownAsync(LeadgateDbContext db, Guid organisationId, IReadOnlyList<string> externalIds, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, (string, Guid)>(StringComparer.Ordinal);
        if (externalIds.Count == 0)
        {
            return known;
        }

        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        await using var command = await CommandAsync(db, $"""
            SELECT e."ExternalId", e."BodyHash", e."LeadId" FROM "BehaviourEvents" AS e
            WHERE e."OrganisationId" = @org AND e."ExternalId" {In(sqlite, "@ids")}
            """, cancellationToken);
        Add(command, "@org", Key(organisationId, sqlite));
        Add(command, "@ids", Texts(externalIds, sqlite));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            known[reader.GetString(0)] = (reader.GetString(1), Id(reader, 2, sqlite));
        }

        return known;
    }

    /// <summary>The organisation's leads with the given ids, as scoring reads them.</summary>
    public static Task<Dictionary<Guid, LeadRow>> LeadsByIdAsync(LeadgateDbContext db, Guid organisationId, IReadOnlyList<Guid> ids, CancellationToken cancellationToken) =>
        LeadsAsync(db, organisationId, byEmail: false, ids.Count, Ids(ids, db.Provider == DatabaseProvider.Sqlite), row => row.Id, cancellationToken);

    /// <summary>The organisation's leads of the people with the given (normalised) e-mail addresses, as scoring reads them.</summary>
    public static Task<Dictionary<string, LeadRow>> LeadsByEmailAsync(LeadgateDbContext db, Guid organisationId, IReadOnlyList<string> emails, CancellationToken cancellationToken) =>
        LeadsAsync(db, organisationId, byEmail: true, emails.Count, Texts(emails, db.Provider == DatabaseProvider.Sqlite), row => row.Email, cancellationToken);

    /// <summary>
    /// Every event of each lead in <paramref name="leadIds"/> as the quick scorer takes them (type and time), in the
    /// order of the list.
    /// </summary>
    public static async Task<List<TimedEvent>[]> EventsOfAsync(LeadgateDbContext db, IReadOnlyList<Guid> leadIds, CancellationToken cancellationToken)
    {
        var events = new List<TimedEvent>[leadIds.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = [];
        }

        if (leadIds.Count == 0)
        {
            return events;
        }

        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        await using var command = await CommandAsync(db, EventsSql(sqlite), cancellationToken);
        Add(command, "@ids", Ids(leadIds, sqlite));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events[reader.GetInt32(0)].Add(new TimedEvent(Types[reader.GetString(1)], Ticks(reader, 2, sqlite)));
        }

        return events;
    }

    private static async Task<Dictionary<TKey, LeadRow>> LeadsAsync<TKey>(
        LeadgateDbContext db, Guid organisationId, bool byEmail, int count, object items, Func<LeadRow, TKey> keyOf, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var rows = new Dictionary<TKey, LeadRow>();
        if (count == 0)
        {
            return rows;
        }

        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        await using var command = await CommandAsync(db, LeadsSql(sqlite, byEmail), cancellationToken);
        Add(command, "@org", Key(organisationId, sqlite));
        Add(command, "@items", items);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new LeadRow(
                Id(reader, 0, sqlite), reader.GetString(1), reader.GetInt64(2), Stages[reader.GetString(3)],
                Text(reader, 4), reader.IsDBNull(5) ? null : reader.GetInt32(5), Text(reader, 6), Text(reader, 7),
                // Stored as a double (the model's conversion); converted back as EF converts it.
                reader.IsDBNull(8) ? null : (decimal)reader.GetDouble(8), (decimal)reader.GetDouble(9));
            rows[keyOf(row)] = row;
        }

        return rows;
    }

    /// <summary>The listed leads' events, type and time only: answered from the (LeadId, OccurredAt, Type) index alone.</summary>
    internal static string EventsSql(bool sqlite) => $"""
        SELECT l.position, e."Type", e."OccurredAt" FROM {List(sqlite, "@ids", "l", keys: true)} JOIN "BehaviourEvents" AS e ON e."LeadId" = l.item
        """;

    /// <summary>
    /// The leads of the listed ids, or of the people with the listed e-mail addresses: the list is the outer loop (a
    /// CROSS JOIN keeps SQLite from reordering it) and each item is found by its own unique index, the lead's key or the
    /// contact's (organisation, e-mail). With the organisation's filter on the lead, SQLite otherwise chose to walk the
    /// organisation's part of a lead index and test each lead against the list: a read that grew with the organisation.
    /// </summary>
    internal static string LeadsSql(bool sqlite, bool byEmail)
    {
        var (tables, item) = byEmail ? ByEmail : ByLeadId;
        return $"""
            SELECT l."Id", c."Email", l."Version", l."Stage", co."Industry", co."Employees", co."Country", c."JobTitle", l."FitScore", l."EngagementScore"
            FROM {List(sqlite, "@items", "i", keys: !byEmail)} CROSS JOIN {tables}
            LEFT JOIN "Companies" AS co ON co."Id" = l."CompanyId"
            WHERE {item} AND l."OrganisationId" = @org
            """;
    }

    private static readonly (string Tables, string Item) ByLeadId =
        ("""("Leads" AS l JOIN "Contacts" AS c ON c."Id" = l."ContactId")""", """l."Id" = i.item""");

    private static readonly (string Tables, string Item) ByEmail =
        ("""("Contacts" AS c JOIN "Leads" AS l ON l."ContactId" = c."Id")""", """c."OrganisationId" = @org AND c."Email" = i.item""");

    /// <summary>
    /// "Is in the list parameter". An IN list rather than a join: SQLite then probes the filtered table's index for each
    /// item, where a join with json_each may instead walk the organisation's part of the index once per item.
    /// </summary>
    private static string In(bool sqlite, string parameter) => sqlite ? $"IN (SELECT \"value\" FROM json_each({parameter}))" : $"= ANY({parameter})";

    /// <summary>
    /// A list parameter as a table <c>alias(position, item)</c>, positions from 0 in the list's order; for a join whose
    /// other side is found by the item through a unique index, so the list is the outer loop. On SQLite a list of
    /// <paramref name="keys"/> holds their hex digits (JSON has no bytes), turned back into the stored bytes here.
    /// </summary>
    private static string List(bool sqlite, string parameter, string alias, bool keys = false) => sqlite
        ? $"(SELECT \"key\" AS position, {(keys ? "unhex(\"value\")" : "\"value\"")} AS item FROM json_each({parameter})) AS {alias}"
        : $"(SELECT (n - 1)::int AS position, item FROM unnest({parameter}) WITH ORDINALITY AS u(item, n)) AS {alias}";

    /// <summary>Texts as one list parameter: a JSON array on SQLite, a text[] on PostgreSQL.</summary>
    private static object Texts(IReadOnlyList<string> texts, bool sqlite) => sqlite ? JsonSerializer.Serialize(texts) : texts.ToArray();

    /// <summary>Ids as one list parameter: a JSON array of the stored keys' hex digits on SQLite, a uuid[] on PostgreSQL.</summary>
    private static object Ids(IReadOnlyList<Guid> ids, bool sqlite) =>
        sqlite ? JsonSerializer.Serialize(ids.Select(SqliteGuids.Hex)) : ids.ToArray();

    private static async Task<DbCommand> CommandAsync(LeadgateDbContext db, string sql, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var command = db.Database.GetDbConnection().CreateCommand();
#pragma warning disable CA2100 // The SQL is fixed text; every value is a parameter.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    /// <summary>A stored moment as UTC ticks: SQLite keeps them as ticks, PostgreSQL as a timestamp.</summary>
    internal static long Ticks(DbDataReader reader, int ordinal, bool sqlite) =>
        sqlite ? reader.GetInt64(ordinal) : reader.GetFieldValue<DateTimeOffset>(ordinal).UtcTicks;

    /// <summary>A moment as a parameter value, as each provider stores it (<see cref="Ticks"/>).</summary>
    internal static object Time(DateTimeOffset at, bool sqlite) => sqlite ? at.UtcTicks : at;

    /// <summary>A key as a parameter value: SQLite stores GUIDs as 16 bytes (<see cref="SqliteGuids"/>), PostgreSQL as uuid.</summary>
    internal static object Key(Guid id, bool sqlite) => sqlite ? SqliteGuids.ToBytes(id) : id;

    /// <summary>A stored key, read back as <see cref="Key"/> wrote it.</summary>
    internal static Guid Id(DbDataReader reader, int ordinal, bool sqlite) => sqlite ? SqliteGuids.Read(reader, ordinal) : reader.GetGuid(ordinal);

    internal static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
