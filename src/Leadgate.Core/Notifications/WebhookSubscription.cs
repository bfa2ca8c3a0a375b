using Leadgate.Common;

namespace Leadgate.Notifications;

/// <summary>
/// An address outside that wants to hear about some of an organisation's happenings (<c>lead.mql</c>, <c>lead.sql</c>, …).
/// Deliveries are signed with a secret shared with the receiver; like an inbound webhook source's secret it must be
/// usable for HMAC, so it is kept encrypted with Data Protection (decision 0006) and shown in plain text once.
/// </summary>
public sealed class WebhookSubscription
{
    public const int MaxUrlLength = 2_000;

    private WebhookSubscription()
    {
        Url = null!;
        Events = null!;
        ProtectedSecret = null!;
        CreatedBy = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public string Url { get; private set; }

    /// <summary>The wire names subscribed to, comma-separated in a fixed order (<c>lead.mql,lead.sql</c>).</summary>
    public string Events { get; private set; }

    public string ProtectedSecret { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyList<HappeningKind> Kinds =>
        [.. Events.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(HappeningKinds.ParseWebhook).OfType<HappeningKind>()];

    public bool Wants(HappeningKind kind) => Kinds.Contains(kind);

    internal static (WebhookSubscription Subscription, string Secret) Create(
        Guid organisationId, Uri url, IReadOnlyCollection<HappeningKind> kinds, Func<string, string> protect, string by, DateTimeOffset at)
    {
        var secret = Intake.WebhookSignature.NewSecret();
        var subscription = new WebhookSubscription
        {
            Id = Ids.New(at),
            OrganisationId = organisationId,
            Url = url.AbsoluteUri,
            Events = string.Join(',', HappeningKinds.Webhook.Where(kinds.Contains).Select(k => k.WireName())),
            ProtectedSecret = protect(secret),
            CreatedBy = by,
            CreatedAt = at,
        };
        return (subscription, secret);
    }
}

public enum DeliveryStatus
{
    /// <summary>Waiting for its (next) attempt.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed; no more are made.</summary>
    Failed,
}

/// <summary>
/// One happening on its way to one subscription: the exact body (so every retry is byte for byte the same), its
/// attempts and their last outcome. One row per (happening, subscription), so a happening is never queued twice; an
/// instance sends it only while it holds the row's lease, so it is never sent by two instances at once.
/// </summary>
public sealed class WebhookDelivery
{
    public const int MaxAttempts = 8;

    /// <summary>Longer than an attempt can take (<see cref="DeliverWebhooks.Timeout"/>), so a lease never runs out under a live attempt.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private WebhookDelivery()
    {
        Event = null!;
        Body = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid SubscriptionId { get; private set; }

    public Guid HappeningId { get; private set; }

    /// <summary>The wire name, such as <c>lead.sql</c>.</summary>
    public string Event { get; private set; }

    public string Body { get; private set; }

    public DeliveryStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    public DateTimeOffset? LastAttemptAt { get; private set; }

    public int? LastStatusCode { get; private set; }

    /// <summary>A short description of the last failure (a status line or a network error), never the receiver's body.</summary>
    public string? LastError { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    public Guid? LeaseToken { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Back-off after the given failed attempt: 30 s, 1 min, 2 min, 4 min … doubling, at most 6 hours.</summary>
    public static TimeSpan BackOff(int failedAttempts) =>
        TimeSpan.FromSeconds(Math.Min(30 * Math.Pow(2, Math.Max(0, failedAttempts - 1)), TimeSpan.FromHours(6).TotalSeconds));

    internal static WebhookDelivery For(Happening happening, WebhookSubscription subscription, string body, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = happening.OrganisationId,
        SubscriptionId = subscription.Id,
        HappeningId = happening.Id,
        Event = happening.Kind.WireName(),
        Body = body,
        Status = DeliveryStatus.Pending,
        NextAttemptAt = at,
        CreatedAt = at,
    };
}
