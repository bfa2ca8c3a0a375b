using Leadgate.Common;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Intake.Outreach;

/// <summary>
/// An outreach event that is recorded but is no hand-raise: "not interested", an unsubscribe, a bounce. It never scores
/// and never moves a stage; it is kept so the lead's outreach history is complete. <see cref="DeliveryId"/>
/// (<c>{tool}:{key}:{the tool's id or a digest of the event}</c>) is unique per organisation, so a replay is stored once.
/// No personal data: the lead is referred to by id.
/// </summary>
public sealed class OutreachSignal
{
    public const int MaxDeliveryIdLength = 200;

    private OutreachSignal()
    {
        DeliveryId = null!;
        Event = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid LeadId { get; private set; }

    public Guid SourceId { get; private set; }

    public string DeliveryId { get; private set; }

    /// <summary>The tool's own event name, as sent (<c>lead_not_interested</c>).</summary>
    public string Event { get; private set; }

    public OutreachSignalKind Kind { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    internal static OutreachSignal Record(WebhookSource source, Guid leadId, string deliveryId, string @event, OutreachSignalKind kind, DateTimeOffset occurredAt, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = source.OrganisationId,
        LeadId = leadId,
        SourceId = source.Id,
        DeliveryId = deliveryId,
        Event = @event.Length <= 100 ? @event : @event[..100],
        Kind = kind,
        OccurredAt = occurredAt,
        ReceivedAt = at,
    };

    internal static void Configure(ModelBuilder builder) =>
        builder.Entity<OutreachSignal>(signal =>
        {
            signal.Property(s => s.DeliveryId).HasMaxLength(MaxDeliveryIdLength);
            signal.Property(s => s.Event).HasMaxLength(100);
            signal.HasIndex(s => new { s.OrganisationId, s.DeliveryId }).IsUnique();
            signal.HasIndex(s => s.LeadId);
            signal.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            signal.HasOne<Leads.Lead>().WithMany().HasForeignKey(s => s.LeadId).OnDelete(DeleteBehavior.Cascade);
        });
}
