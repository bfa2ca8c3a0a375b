using System.Text.Json;
using System.Text.Json.Serialization;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Handover;

/// <summary>An organisation's routing (teams and rules) and response clock, each kept as one JSON document (decision 0008).</summary>
public sealed class HandoverSettings
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private HandoverSettings()
    {
        Routing = null!;
        Sla = null!;
        ChangedBy = null!;
    }

    public Guid OrganisationId { get; private set; }

    public string Routing { get; private set; }

    public string Sla { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public string ChangedBy { get; private set; }

    internal static HandoverSettings Create(Guid organisationId) => new()
    {
        OrganisationId = organisationId,
        Routing = JsonSerializer.Serialize(RoutingModel.Default, Json),
        Sla = JsonSerializer.Serialize(SlaSettings.Default, Json),
        ChangedBy = "",
    };

    internal void Change(RoutingModel routing, string by, DateTimeOffset at)
    {
        Routing = JsonSerializer.Serialize(routing, Json);
        ChangedBy = by;
        ChangedAt = at;
    }

    internal void Change(SlaSettings sla, string by, DateTimeOffset at)
    {
        Sla = JsonSerializer.Serialize(sla, Json);
        ChangedBy = by;
        ChangedAt = at;
    }

    public RoutingModel ReadRouting() => JsonSerializer.Deserialize<RoutingModel>(Routing, Json) ?? RoutingModel.Default;

    public SlaSettings ReadSla() => JsonSerializer.Deserialize<SlaSettings>(Sla, Json) ?? SlaSettings.Default;

    internal static void Configure(ModelBuilder builder)
    {
        builder.Entity<HandoverSettings>(settings =>
        {
            settings.HasKey(s => s.OrganisationId);
            settings.Property(s => s.ChangedBy).HasMaxLength(200);
            settings.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<SalesRep>(rep =>
        {
            rep.HasKey(r => r.UserId);
            rep.HasIndex(r => r.OrganisationId);
            rep.HasOne<Accounts.User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
            rep.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<LeadHandover>(handover =>
        {
            handover.Property(h => h.Route).HasMaxLength(200);
            // The clock's sweep looks for handovers that are still open and due, across organisations.
            handover.HasIndex(h => new { h.EndedAt, h.FirstTouchAt, h.SlaDueAt });
            handover.Property(h => h.Team).HasMaxLength(100);
            handover.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(h => h.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<Assignment>(assignment =>
        {
            assignment.Property(a => a.Reason).HasMaxLength(200);
            assignment.Property(a => a.ActorName).HasMaxLength(200);
            assignment.HasIndex(a => new { a.LeadId, a.At });
        });
    }
}

public static class HandoverSettingsReading
{
    /// <summary>The organisation's settings row, made (not yet saved) when it has none.</summary>
    internal static async Task<HandoverSettings> HandoverSettingsForChangeAsync(this LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        var settings = await db.HandoverSettings.FirstOrDefaultAsync(s => s.OrganisationId == organisationId, cancellationToken);
        if (settings is null)
        {
            settings = HandoverSettings.Create(organisationId);
            db.HandoverSettings.Add(settings);
        }

        return settings;
    }

    public static async Task<(RoutingModel Routing, SlaSettings Sla)> HandoverSettingsOfAsync(this LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        var settings = await db.HandoverSettings.AsNoTracking().FirstOrDefaultAsync(s => s.OrganisationId == organisationId, cancellationToken);
        return settings is null ? (RoutingModel.Default, SlaSettings.Default) : (settings.ReadRouting(), settings.ReadSla());
    }

    /// <summary>The organisation's working week, as the response clock counts in it: its SLA's days and hours, in the SLA's zone or else the organisation's.</summary>
    public static async Task<WorkingWeek> WorkingWeekOfAsync(this LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        var (_, sla) = await db.HandoverSettingsOfAsync(organisationId, cancellationToken);
        var zone = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.TimeZone).FirstOrDefaultAsync(cancellationToken) ?? "UTC";
        return sla.Week(zone);
    }
}

/// <summary>A sales rep's routing state: whether they take new MQLs now, how many open MQLs they take at most, and their turn.</summary>
public sealed class SalesRep
{
    private SalesRep()
    {
    }

    public Guid UserId { get; private set; }

    public Guid OrganisationId { get; private set; }

    /// <summary>False while the rep is away: round robin passes them by.</summary>
    public bool Available { get; private set; }

    /// <summary>The most open MQLs the rep holds; null for no limit.</summary>
    public int? Capacity { get; private set; }

    /// <summary>The organisation-wide turn at which the rep was last given an MQL; round robin gives the next one to the longest waiting.</summary>
    public long LastTurn { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    internal static SalesRep Create(Guid organisationId, Guid userId, DateTimeOffset at) => new()
    {
        UserId = userId,
        OrganisationId = organisationId,
        Available = true,
        ChangedAt = at,
    };

    internal void Change(bool available, int? capacity, DateTimeOffset at)
    {
        Available = available;
        Capacity = capacity;
        ChangedAt = at;
    }

    internal void TookTurn(long turn) => LastTurn = turn;
}

/// <summary>One assignment of a lead, append-only: to whom (a rep, or the shared queue), by whom, and why.</summary>
public sealed class Assignment
{
    private Assignment()
    {
        ActorName = null!;
        Reason = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid LeadId { get; private set; }

    public Guid? FromUserId { get; private set; }

    /// <summary>The new owner; null = the shared queue.</summary>
    public Guid? ToUserId { get; private set; }

    public string Reason { get; private set; }

    public string ActorName { get; private set; }

    public Guid? ActorUserId { get; private set; }

    public DateTimeOffset At { get; private set; }

    internal static Assignment Record(Guid organisationId, Guid leadId, Guid? from, Guid? to, string reason, string actorName, Guid? actorUserId, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        LeadId = leadId,
        FromUserId = from,
        ToUserId = to,
        Reason = reason.Length > 200 ? reason[..200] : reason,
        ActorName = actorName.Length > 200 ? actorName[..200] : actorName,
        ActorUserId = actorUserId,
        At = at,
    };
}
