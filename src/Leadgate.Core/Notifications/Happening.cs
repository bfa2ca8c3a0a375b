using System.Text.Json;
using Leadgate.Common;
using Leadgate.Leads;

namespace Leadgate.Notifications;

/// <summary>What happened to a lead that someone outside the change may need to hear about.</summary>
public enum HappeningKind
{
    /// <summary>The lead became an MQL (webhook <c>lead.mql</c>).</summary>
    LeadMql,

    /// <summary>The lead got a new owner (webhook <c>lead.assigned</c>; in-app for the owner).</summary>
    LeadAssigned,

    /// <summary>Sales accepted the lead (webhook <c>lead.sql</c>).</summary>
    LeadSql,

    /// <summary>Sales sent an MQL back to Nurture or out to Disqualified (webhook <c>lead.rejected</c>).</summary>
    LeadRejected,

    /// <summary>The lead's deal was won (webhook <c>deal.won</c>).</summary>
    DealWon,

    /// <summary>The lead's deal was lost (webhook <c>deal.lost</c>).</summary>
    DealLost,

    /// <summary>The deal moved to another stage of its pipeline (webhook <c>deal.stage_changed</c>).</summary>
    DealStageChanged,

    /// <summary>The deal went stale: untouched longer than its stage allows (in-app for the owner; webhook <c>deal.stale</c>).</summary>
    DealStale,

    /// <summary>A handover's response clock is about to run out (in-app only).</summary>
    SlaReminder,

    /// <summary>A handover's response clock ran out (in-app only).</summary>
    SlaBreached,
}

public static class HappeningKinds
{
    /// <summary>The kinds an outbound webhook subscription may ask for, by their wire names.</summary>
    public static readonly IReadOnlyList<HappeningKind> Webhook =
        [HappeningKind.LeadMql, HappeningKind.LeadAssigned, HappeningKind.LeadSql, HappeningKind.LeadRejected, HappeningKind.DealWon,
            HappeningKind.DealLost, HappeningKind.DealStageChanged, HappeningKind.DealStale];

    /// <summary>The event name on the wire and in subscriptions (<c>lead.mql</c>), stable for scripted clients.</summary>
    public static string WireName(this HappeningKind kind) => kind switch
    {
        HappeningKind.LeadMql => "lead.mql",
        HappeningKind.LeadAssigned => "lead.assigned",
        HappeningKind.LeadSql => "lead.sql",
        HappeningKind.LeadRejected => "lead.rejected",
        HappeningKind.DealWon => "deal.won",
        HappeningKind.DealLost => "deal.lost",
        HappeningKind.DealStageChanged => "deal.stage_changed",
        HappeningKind.DealStale => "deal.stale",
        HappeningKind.SlaReminder => "sla.reminder",
        HappeningKind.SlaBreached => "sla.breached",
    };

    public static HappeningKind? ParseWebhook(string? name) =>
        Webhook.Cast<HappeningKind?>().FirstOrDefault(k => string.Equals(k!.Value.WireName(), name?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static bool IsWebhook(this HappeningKind kind) => Webhook.Contains(kind);
}

/// <summary>
/// The transactional outbox: one row per happening, written in the same transaction as the change that caused it, so a
/// happening is never lost and never announced for a change that was rolled back. The lead writes them itself (a stage
/// change through <see cref="Lead"/>'s one move method, an assignment), as it writes its stage events. A happening with a
/// <see cref="RecipientUserId"/> is also that user's in-app notification; a webhook kind is fanned out to the
/// organisation's subscriptions by the background delivery (<see cref="DeliverWebhooks"/>). The payload holds ids and
/// stages only, never a person's name or address.
/// </summary>
public sealed class Happening
{
    private Happening()
    {
        Payload = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public HappeningKind Kind { get; private set; }

    public Guid LeadId { get; private set; }

    /// <summary>The user whose bell shows it; null for a happening that is only for webhooks.</summary>
    public Guid? RecipientUserId { get; private set; }

    public DateTimeOffset At { get; private set; }

    /// <summary>The webhook <c>data</c> object as JSON: ids, stages, reason codes, due times.</summary>
    public string Payload { get; private set; }

    /// <summary>True until the background delivery has made this happening's webhook deliveries.</summary>
    public bool WebhookPending { get; private set; }

    /// <summary>When the recipient read it in the app.</summary>
    public DateTimeOffset? ReadAt { get; private set; }

    /// <summary>The happening a stage change makes, if it is one anybody subscribes to.</summary>
    internal static Happening? OfStageChange(Lead lead, Stage? from, Stage to, string? reason, DateTimeOffset at)
    {
        HappeningKind? kind = (from, to) switch
        {
            (_, Stage.Mql) => HappeningKind.LeadMql,
            (_, Stage.Sql) => HappeningKind.LeadSql,
            (Stage.Mql, Stage.Nurture or Stage.Disqualified) => HappeningKind.LeadRejected,
            (_, Stage.Customer) => HappeningKind.DealWon,
            (Stage.Sql or Stage.Opportunity, Stage.Nurture or Stage.Disqualified) => HappeningKind.DealLost,
            _ => null,
        };
        return kind is { } k
            ? New(lead, k, null, at, new HappeningData(lead.Id, from, to, reason, lead.OwnerId, lead.DealId, lead.RevisitOn, null))
            : null;
    }

    internal static Happening Assigned(Lead lead, Guid ownerId, bool notifyOwner, DateTimeOffset at) =>
        New(lead, HappeningKind.LeadAssigned, notifyOwner ? ownerId : null, at, new HappeningData(lead.Id, null, lead.Stage, null, ownerId, lead.DealId, null, null));

    /// <summary>An in-app reminder that the lead's response clock runs out at <paramref name="dueAt"/>.</summary>
    public static Happening SlaReminder(Lead lead, Guid recipientUserId, DateTimeOffset dueAt, DateTimeOffset at) =>
        New(lead, HappeningKind.SlaReminder, recipientUserId, at, new HappeningData(lead.Id, null, lead.Stage, null, lead.OwnerId, null, null, dueAt));

    /// <summary>An in-app note that the lead's response clock ran out at <paramref name="dueAt"/> (to the owner, or a manager as escalation).</summary>
    public static Happening SlaBreached(Lead lead, Guid recipientUserId, DateTimeOffset dueAt, DateTimeOffset at) =>
        New(lead, HappeningKind.SlaBreached, recipientUserId, at, new HappeningData(lead.Id, null, lead.Stage, null, lead.OwnerId, null, null, dueAt));

    /// <summary>The deal moved from one pipeline stage to another (names as the organisation calls them).</summary>
    public static Happening DealStageChanged(Lead lead, Guid dealId, string? fromStage, string toStage, DateTimeOffset at) =>
        New(lead, HappeningKind.DealStageChanged, null, at, new HappeningData(lead.Id, null, lead.Stage, null, lead.OwnerId, dealId, null, null) { FromDealStage = fromStage, DealStage = toStage });

    /// <summary>The deal went stale: its owner is told in the app (once per stale spell), and <c>deal.stale</c> goes out.</summary>
    public static Happening DealStale(Lead lead, Guid dealId, Guid? ownerId, string stage, DateTimeOffset lastTouchAt, DateTimeOffset at) =>
        New(lead, HappeningKind.DealStale, ownerId, at, new HappeningData(lead.Id, null, lead.Stage, null, ownerId, dealId, null, null) { DealStage = stage, LastTouchAt = lastTouchAt });

    private static Happening New(Lead lead, HappeningKind kind, Guid? recipient, DateTimeOffset at, HappeningData data) => new()
    {
        Id = Ids.New(at),
        OrganisationId = lead.OrganisationId,
        Kind = kind,
        LeadId = lead.Id,
        RecipientUserId = recipient,
        At = at,
        Payload = JsonSerializer.Serialize(data, HappeningData.Json),
        WebhookPending = kind.IsWebhook(),
    };
}

/// <summary>The <c>data</c> of a webhook: enough to look the lead up with the API, nothing personal.</summary>
public sealed record HappeningData(Guid LeadId, Stage? From, Stage? To, string? Reason, Guid? OwnerId, Guid? DealId, DateOnly? RevisitOn, DateTimeOffset? DueAt)
{
    /// <summary>For <c>deal.stage_changed</c>: the pipeline stage the deal left, by name.</summary>
    public string? FromDealStage { get; init; }

    /// <summary>For <c>deal.stage_changed</c>: the pipeline stage the deal entered, by name (for <c>deal.stale</c>: the stage it is in).</summary>
    public string? DealStage { get; init; }

    /// <summary>For <c>deal.stale</c>: the deal's last touch.</summary>
    public DateTimeOffset? LastTouchAt { get; init; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
