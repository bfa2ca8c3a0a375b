using System.Data.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Leadgate.Scoring;

/// <summary>A lead of a chunk as read: its id, version, stage, stored scores, facts and events.</summary>
internal sealed class ChunkLead(Guid id, DateTimeOffset createdAt, long version, Stage stage, double? storedFit, double storedEngagement, LeadFacts facts)
{
    public Guid Id { get; } = id;

    public LeadPosition Position => new(createdAt, Id);

    public long Version { get; } = version;

    public Stage Stage { get; } = stage;

    public double? StoredFit { get; } = storedFit;

    public double StoredEngagement { get; } = storedEngagement;

    public LeadFacts Facts { get; } = facts;

    public List<TimedEvent> Events { get; } = [];
}

internal enum ChunkOutcome
{
    /// <summary>Written and counted; more leads follow.</summary>
    More,

    /// <summary>Written and counted; this was the last chunk.</summary>
    Finished,

    /// <summary>A lead changed between the read and the write (ingestion won): nothing was written, read the chunk again.</summary>
    Conflict,

    /// <summary>The caller's progress did not count (its claim was lost): nothing was written.</summary>
    Lost,
}

/// <summary>What a chunk did: how many leads it read, how many scores it wrote, how many leads became MQL, and where it ended.</summary>
internal sealed record ChunkResult(ChunkOutcome Outcome, int Count, int Written, int MadeMql, LeadPosition? Last);

/// <summary>
/// A place in an organisation's leads in the order chunks walk them: by creation time, then id. That is the order of the
/// list's index (<c>OrganisationId, CreatedAt, Id</c>), so the walk needs no index of its own; a lead created during a
/// walk comes after its position (and is scored when it is created). Jobs keep it as two columns.
/// </summary>
internal readonly record struct LeadPosition(DateTimeOffset CreatedAt, Guid Id)
{
    /// <summary>The position kept in a job's two columns, or none (from the start) unless both are set.</summary>
    public static LeadPosition? Of(DateTimeOffset? createdAt, Guid? id) => createdAt is { } at && id is { } lead ? new LeadPosition(at, lead) : null;
}

/// <summary>
/// The fast path that rescoring and the decay sweep share. A chunk of an organisation's leads in <see cref="LeadPosition"/>
/// order is read with its facts and events in one query; both scores come from <see cref="QuickScores"/>; only the changed scores are
/// written, by one prepared UPDATE guarded by the lead's <c>Version</c>, so an ingestion that changed a lead meanwhile
/// wins and the chunk is read again. A lead the MQL rule moves goes through the domain (<see cref="LeadScoring.Rescore"/>,
/// <see cref="Lead.MarkMql"/>) and EF, in the same transaction as the updates and the caller's progress.
/// The same SQL runs on SQLite and PostgreSQL.
/// </summary>
internal static class ScoreChunks
{
    private const string Select = """
        SELECT l."Id", l."Version", l."Stage", l."FitScore", l."EngagementScore", c."JobTitle", co."Industry", co."Employees", co."Country", e."Type", e."OccurredAt", l."CreatedAt"
        FROM (SELECT "Id", "CreatedAt", "Version", "Stage", "FitScore", "EngagementScore", "ContactId", "CompanyId" FROM "Leads"
              WHERE "OrganisationId" = @org{after} ORDER BY "CreatedAt", "Id" LIMIT @size) AS l
        JOIN "Contacts" AS c ON c."Id" = l."ContactId"
        LEFT JOIN "Companies" AS co ON co."Id" = l."CompanyId"
        LEFT JOIN "BehaviourEvents" AS e ON e."LeadId" = l."Id"
        ORDER BY l."CreatedAt", l."Id"
        """;

    private static readonly string First = Select.Replace("{after}", "", StringComparison.Ordinal);

    // A row value: both databases seek the (OrganisationId, CreatedAt, Id) index to the position and read on from there.
    internal static readonly string Next = Select.Replace("{after}", """ AND ("CreatedAt", "Id") > (@afterCreatedAt, @afterId)""", StringComparison.Ordinal);

    private const string Update = """
        UPDATE "Leads" SET "FitScore" = @fit, "EngagementScore" = @engagement, "ScoredAt" = @at, "Version" = "Version" + 1
        WHERE "Id" = @id AND "Version" = @version
        """;

    private static readonly Dictionary<string, BehaviourType> Types = Enum.GetValues<BehaviourType>().ToDictionary(t => t.ToString(), StringComparer.Ordinal);

    /// <summary>
    /// Scores the leads after <paramref name="after"/> (at most <paramref name="size"/>) as of <paramref name="now"/>, with
    /// the model <paramref name="scoresAfterReading"/> answers once they are read, and
    /// writes what changed together with <paramref name="recordProgress"/> (false = the caller lost its claim: roll back).
    /// With <paramref name="applyRule"/> a met threshold rule makes an Iql lead (or Nurture past its revisit date) an MQL;
    /// without it only scores are written and no lead ever moves.
    /// </summary>
    public static async Task<ChunkResult> ScoreAsync(
        LeadgateDbContext db, Func<Task<QuickScores>> scoresAfterReading, Guid organisationId, LeadPosition? after, int size, bool applyRule, DateTimeOffset now,
        Func<ChunkResult, Task<bool>> recordProgress, CancellationToken cancellationToken)
    {
        var leads = await ReadAsync(db, organisationId, after, size, cancellationToken);
        // The model is read after the leads, so it is never older than the model their stored scores came from.
        var scores = await scoresAfterReading();
        var changed = new List<(ChunkLead Lead, decimal? Fit, decimal Engagement)>();
        var rising = new List<ChunkLead>();
        foreach (var lead in leads)
        {
            var fit = scores.Fit(lead.Facts);
            var engagement = scores.Engagement(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(lead.Events), now);
            if (applyRule && lead.Stage is Stage.Iql or Stage.Nurture && MqlRule.Decide(scores.Model, fit, engagement, null) is not null)
            {
                rising.Add(lead);
            }
            else if ((double?)fit != lead.StoredFit || (double)engagement != lead.StoredEngagement)
            {
                changed.Add((lead, fit, engagement));
            }
        }

        var madeMql = rising.Count == 0 ? 0 : await RaiseAsync(db, scores.Model, rising, now, cancellationToken);
        if (madeMql < 0)
        {
            return new ChunkResult(ChunkOutcome.Conflict, 0, 0, 0, after);
        }

        var finished = leads.Count < size;
        var result = new ChunkResult(finished ? ChunkOutcome.Finished : ChunkOutcome.More, leads.Count, changed.Count + rising.Count, madeMql, leads.Count == 0 ? after : leads[^1].Position);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await WriteAsync(db, changed, now, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return result with { Outcome = ChunkOutcome.Conflict };
        }

        // The leads the rule moves: their scores, stage change and stage event, checked against their version by EF.
        await db.SaveChangesAsync(cancellationToken);
        if (!await recordProgress(result))
        {
            await transaction.RollbackAsync(cancellationToken);
            return result with { Outcome = ChunkOutcome.Lost };
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Runs chunk after chunk until the last one (true) or a lost claim (false). A chunk that met a concurrent change (a
    /// lead's version moved on, or a race <see cref="EventWrites.IsRace"/> knows) is done again on top of it, up to
    /// five times in a row; after that the round fails, and the lease lets this or another instance continue later from
    /// the last counted chunk.
    /// </summary>
    public static async Task<bool> RunAllAsync(Func<Task<ChunkOutcome>> chunk, Action<int> retrying, string what)
    {
        while (true)
        {
            var outcome = await WithRetriesAsync(chunk, retrying, what);
            if (outcome != ChunkOutcome.More)
            {
                return outcome == ChunkOutcome.Finished;
            }
        }
    }

    private static async Task<ChunkOutcome> WithRetriesAsync(Func<Task<ChunkOutcome>> chunk, Action<int> retrying, string what)
    {
        const int maxAttempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await chunk();
                if (outcome != ChunkOutcome.Conflict)
                {
                    return outcome;
                }

                if (attempt == maxAttempts)
                {
                    throw new InvalidOperationException($"A {what} met concurrent changes {maxAttempts} times in a row.");
                }
            }
            catch (Exception exception) when (attempt < maxAttempts && EventWrites.IsRace(exception))
            {
            }

            retrying(attempt);
        }
    }

    /// <summary>One ordered query: the chunk's leads with contact, company and every event (a lead without events comes once, with nulls).</summary>
    internal static async Task<List<ChunkLead>> ReadAsync(LeadgateDbContext db, Guid organisationId, LeadPosition? after, int size, CancellationToken cancellationToken)
    {
        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
#pragma warning disable CA2100 // The SQL is fixed text; every value is a parameter.
        command.CommandText = after is null ? First : Next;
#pragma warning restore CA2100
        EventReads.Add(command, "@org", EventReads.Key(organisationId, sqlite));
        EventReads.Add(command, "@size", size);
        if (after is { } position)
        {
            EventReads.Add(command, "@afterCreatedAt", EventReads.Time(position.CreatedAt, sqlite));
            EventReads.Add(command, "@afterId", EventReads.Key(position.Id, sqlite));
        }

        var leads = new List<ChunkLead>(size);
        ChunkLead? current = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = EventReads.Id(reader, 0, sqlite);
            if (current is null || current.Id != key)
            {
                var createdAt = new DateTimeOffset(EventReads.Ticks(reader, 11, sqlite), TimeSpan.Zero);
                current = new ChunkLead(
                    key, createdAt, reader.GetInt64(1), Enum.Parse<Stage>(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.GetDouble(4),
                    new LeadFacts(EventReads.Text(reader, 6), reader.IsDBNull(7) ? null : reader.GetInt32(7), EventReads.Text(reader, 8), EventReads.Text(reader, 5)));
                leads.Add(current);
            }

            if (!reader.IsDBNull(9))
            {
                current.Events.Add(new TimedEvent(Types[reader.GetString(9)], EventReads.Ticks(reader, 10, sqlite)));
            }
        }

        return leads;
    }

    /// <summary>The guarded updates (ingestion's own statement); false when a lead's version moved on (nothing is kept then).</summary>
    private static async Task<bool> WriteAsync(LeadgateDbContext db, List<(ChunkLead Lead, decimal? Fit, decimal Engagement)> changed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return true;
        }

        await using var writes = EventWrites.Of(db);
        return await writes.UpdateAllAsync([.. changed.Select(c => new ScoreUpdate(c.Lead.Id, c.Lead.Version, c.Fit, c.Engagement, now))], cancellationToken);
    }

    /// <summary>
    /// The leads the threshold rule may move, through the domain: loaded with EF (tracked, so SaveChanges checks their
    /// version), scored from their stored events and moved by <see cref="LeadScoring.Rescore"/>. Answers how many became
    /// MQL, or −1 when one of them changed since the chunk was read.
    /// </summary>
    private static async Task<int> RaiseAsync(LeadgateDbContext db, ScoringModel model, List<ChunkLead> rising, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = rising.Select(l => l.Id).ToList();
        var leads = await db.Leads.Include(l => l.Contact).Include(l => l.Company).Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);
        var events = await db.EventsOfAsync(ids, cancellationToken);
        var made = 0;
        foreach (var read in rising)
        {
            if (!leads.TryGetValue(read.Id, out var lead) || lead.Version != read.Version)
            {
                db.ChangeTracker.Clear();
                return -1;
            }

            made += LeadScoring.Rescore(lead, model, events[lead.Id], newHandRaise: null, now) is null ? 0 : 1;
        }

        return made;
    }
}
