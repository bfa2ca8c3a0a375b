using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Reports;

/// <summary>
/// A lead's place in the funnel as the reports read it (docs/reports.md): its first entry into each funnel stage and its
/// first reach of each (the earliest entry into that stage or a later one), from all its stage events and, for
/// <c>includeImported=false</c>, from those not written by an import. Derived from <see cref="StageEvent"/> rows only. The
/// writers of stage events keep it in the same transaction (<see cref="KeepAsync"/>: SaveChanges and every bulk insert), and
/// the database recounts a lead whose events are moved, changed or deleted (triggers: <see cref="Data.Migrations.LeadFunnelTriggers"/>);
/// decision 0011 says why inserts are not a trigger's. The reports count these rows instead of aggregating every lead's
/// events per request.
/// </summary>
public sealed class LeadFunnel
{
    /// <summary>
    /// The row's moments as UTC ticks, 0 for none: first entries by funnel stage, first reaches by stage, then both again
    /// without imported history. Ticks, not nullable times, so that the rows an import of a million leads makes weigh a
    /// third as much.
    /// </summary>
    private readonly long[] _at = new long[20];

    private LeadFunnel()
    {
    }

    private LeadFunnel(Guid organisationId, Guid leadId) => (OrganisationId, LeadId) = (organisationId, leadId);

    public Guid LeadId { get; private set; }

    public Guid OrganisationId { get; private set; }

    public DateTimeOffset? IqlEntered { get => At(0); private set => _at[0] = Ticks(value); }

    public DateTimeOffset? MqlEntered { get => At(1); private set => _at[1] = Ticks(value); }

    public DateTimeOffset? SqlEntered { get => At(2); private set => _at[2] = Ticks(value); }

    public DateTimeOffset? OpportunityEntered { get => At(3); private set => _at[3] = Ticks(value); }

    public DateTimeOffset? CustomerEntered { get => At(4); private set => _at[4] = Ticks(value); }

    public DateTimeOffset? IqlReached { get => At(5); private set => _at[5] = Ticks(value); }

    public DateTimeOffset? MqlReached { get => At(6); private set => _at[6] = Ticks(value); }

    public DateTimeOffset? SqlReached { get => At(7); private set => _at[7] = Ticks(value); }

    public DateTimeOffset? OpportunityReached { get => At(8); private set => _at[8] = Ticks(value); }

    public DateTimeOffset? CustomerReached { get => At(9); private set => _at[9] = Ticks(value); }

    public DateTimeOffset? IqlEnteredUnimported { get => At(10); private set => _at[10] = Ticks(value); }

    public DateTimeOffset? MqlEnteredUnimported { get => At(11); private set => _at[11] = Ticks(value); }

    public DateTimeOffset? SqlEnteredUnimported { get => At(12); private set => _at[12] = Ticks(value); }

    public DateTimeOffset? OpportunityEnteredUnimported { get => At(13); private set => _at[13] = Ticks(value); }

    public DateTimeOffset? CustomerEnteredUnimported { get => At(14); private set => _at[14] = Ticks(value); }

    public DateTimeOffset? IqlReachedUnimported { get => At(15); private set => _at[15] = Ticks(value); }

    public DateTimeOffset? MqlReachedUnimported { get => At(16); private set => _at[16] = Ticks(value); }

    public DateTimeOffset? SqlReachedUnimported { get => At(17); private set => _at[17] = Ticks(value); }

    public DateTimeOffset? OpportunityReachedUnimported { get => At(18); private set => _at[18] = Ticks(value); }

    public DateTimeOffset? CustomerReachedUnimported { get => At(19); private set => _at[19] = Ticks(value); }

    private DateTimeOffset? At(int slot) => _at[slot] == 0 ? null : new DateTimeOffset(_at[slot], TimeSpan.Zero);

    private static long Ticks(DateTimeOffset? at) => at?.UtcTicks ?? 0;

    /// <summary>The column of funnel stage <paramref name="index"/> (in <see cref="GetFunnel.FunnelStages"/> order): its first entry or first reach.</summary>
    public static string Column(int index, bool reached, bool includeImported) =>
        $"{GetFunnel.FunnelStages[index]}{(reached ? "Reached" : "Entered")}{(includeImported ? "" : "Unimported")}";

    /// <summary>
    /// The funnel rows the stage events <paramref name="events"/> give, one per lead, written so that each column keeps the
    /// earlier of its value and the lead's row's (<see cref="BulkInsert.KeepEarliestAsync{T}"/>): what the events being written
    /// add to their leads' funnels. Plain rows, one statement each on SQLite: a trigger on StageEvents did the same work per
    /// event but cost the import a statement journal per row (decision 0011).
    /// </summary>
    internal static async Task KeepAsync(LeadgateDbContext db, IEnumerable<StageEvent> events, CancellationToken cancellationToken)
    {
        var rows = Of(events);
        if (rows.Count > 0)
        {
            await BulkInsert.KeepEarliestAsync(db, rows, cancellationToken);
        }
    }

    /// <summary>
    /// Counts an organisation's funnel rows again from all its stage events: for events written around the product, as the
    /// bench's raw seeder writes them. The product's own writers keep the rows as they write (<see cref="KeepAsync"/>).
    /// </summary>
    public static async Task RecountAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        db.Database.SetCommandTimeout(TimeSpan.Zero);
        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        await db.Database.ExecuteSqlRawAsync(Data.Migrations.LeadFunnelTriggers.RecountOrganisation(sqlite), [GetFunnel.Key(organisationId, sqlite)], cancellationToken);
    }

    /// <summary>Each lead's first entries and reaches from these of its events alone; leads with no funnel event have no row.</summary>
    internal static List<LeadFunnel> Of(IEnumerable<StageEvent> events)
    {
        var leads = new Dictionary<Guid, LeadFunnel>();
        foreach (var e in events)
        {
            var stage = IndexOf(e.To);
            if (stage < 0)
            {
                continue; // Nurture, Disqualified: exits, not funnel stages
            }

            if (!leads.TryGetValue(e.LeadId, out var lead))
            {
                leads[e.LeadId] = lead = new LeadFunnel(e.OrganisationId, e.LeadId);
            }

            Lower(lead._at, stage, e.At, unimported: false);
            if (e.ActorKind != ActorKind.Import)
            {
                Lower(lead._at, stage, e.At, unimported: true);
            }
        }

        return [.. leads.Values];
    }

    /// <summary>An entry into funnel stage <paramref name="stage"/>: its first entry, and the first reach of it and every earlier stage.</summary>
    private static void Lower(long[] at, int stage, DateTimeOffset when, bool unimported)
    {
        var stages = GetFunnel.FunnelStages.Count;
        var offset = unimported ? 2 * stages : 0;
        var ticks = when.UtcTicks;
        Earliest(ref at[offset + stage], ticks);
        for (var s = 0; s <= stage; s++)
        {
            Earliest(ref at[offset + stages + s], ticks);
        }

        static void Earliest(ref long slot, long ticks)
        {
            if (slot == 0 || ticks < slot)
            {
                slot = ticks;
            }
        }
    }

    private static int IndexOf(Stage stage)
    {
        for (var s = 0; s < GetFunnel.FunnelStages.Count; s++)
        {
            if (GetFunnel.FunnelStages[s] == stage)
            {
                return s;
            }
        }

        return -1;
    }
}
