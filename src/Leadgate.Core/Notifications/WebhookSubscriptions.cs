using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadgate.Notifications;

public sealed record CreateWebhookSubscriptionRequest
{
    /// <summary>Where deliveries are posted: an absolute http or https address.</summary>
    [Required]
    [MaxLength(WebhookSubscription.MaxUrlLength)]
    public string? Url { get; set; }

    /// <summary>Wire names: <c>lead.mql</c>, <c>lead.assigned</c>, <c>lead.sql</c>, <c>lead.rejected</c>, <c>deal.won</c>.</summary>
    [Required]
    public IReadOnlyList<string>? Events { get; set; }
}

public sealed record WebhookSubscriptionView(Guid Id, string Url, IReadOnlyList<string> Events, string CreatedBy, DateTimeOffset CreatedAt)
{
    internal static WebhookSubscriptionView Of(WebhookSubscription s) =>
        new(s.Id, s.Url, [.. s.Kinds.Select(k => k.WireName())], s.CreatedBy, s.CreatedAt);
}

/// <summary>A new subscription and its signing secret, which is shown this once.</summary>
public sealed record IssuedWebhookSubscription(WebhookSubscriptionView Subscription, string Secret);

public sealed record WebhookDeliveryView(
    Guid Id, Guid SubscriptionId, Guid EventId, string Event, DeliveryStatus Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt);

internal static class WebhookSubscriptionSecrets
{
    private const string Purpose = "Leadgate.Notifications.WebhookSubscription.Secret.v1";

    public static IDataProtector Protector(IDataProtectionProvider provider) => provider.CreateProtector(Purpose);
}

internal static class WebhookSubscriptionRules
{
    public static Forbidden? Refuse(Actor actor) =>
        actor.IsIn(Roles.Admin) ? null : new Forbidden("Only an admin manages outbound webhooks.");
}

/// <summary>An admin subscribes an address to some of the organisation's happenings; the answer carries the signing secret once.</summary>
public sealed class CreateWebhookSubscription(LeadgateDbContext db, TimeProvider clock, IDataProtectionProvider dataProtection, IOptions<WebhookOptions> options)
{
    public const int MaxPerOrganisation = 20;

    public async Task<Result<IssuedWebhookSubscription>> HandleAsync(CreateWebhookSubscriptionRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (WebhookSubscriptionRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        var errors = new Dictionary<string, string[]>();
        var url = request.Url?.Trim();
        if (string.IsNullOrEmpty(url) || url.Length > WebhookSubscription.MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(address.UserInfo))
        {
            errors["url"] = [$"An absolute http or https address of at most {WebhookSubscription.MaxUrlLength} characters, without a user name or password."];
            address = null;
        }
        else if (!options.Value.AllowPrivateNetworks && WebhookAddresses.IsRefusedHost(address))
        {
            errors["url"] = ["An address on the public internet: webhooks are not sent to localhost or to loopback, private, link-local or otherwise reserved IP addresses."];
            address = null;
        }

        var kinds = new List<HappeningKind>();
        var unknown = new List<string>();
        foreach (var name in request.Events ?? [])
        {
            if (HappeningKinds.ParseWebhook(name) is { } kind)
            {
                kinds.Add(kind);
            }
            else
            {
                unknown.Add(name ?? "null");
            }
        }

        var allowed = string.Join(", ", HappeningKinds.Webhook.Select(k => k.WireName()));
        if (unknown.Count > 0)
        {
            errors["events"] = [$"Unknown event {string.Join(", ", unknown.Select(u => u.Length > 40 ? u[..40] + "…" : u))}; use {allowed}."];
        }
        else if (kinds.Count == 0)
        {
            errors["events"] = [$"At least one event: {allowed}."];
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        if (await db.WebhookSubscriptions.CountAsync(s => s.OrganisationId == actor.OrganisationId, cancellationToken) >= MaxPerOrganisation)
        {
            return new Conflict("too-many-webhooks", $"An organisation has at most {MaxPerOrganisation} webhook subscriptions; delete one first.");
        }

        var (subscription, secret) = WebhookSubscription.Create(
            actor.OrganisationId, address!, kinds, WebhookSubscriptionSecrets.Protector(dataProtection).Protect, actor.Name, clock.GetUtcNow());
        db.WebhookSubscriptions.Add(subscription);
        db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "webhook.created", "Webhook", subscription.Id, ["url", "events", "secret"], clock.GetUtcNow()));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : new IssuedWebhookSubscription(WebhookSubscriptionView.Of(subscription), secret);
    }
}

/// <summary>The organisation's outbound webhook subscriptions, without their secrets.</summary>
public sealed class ListWebhookSubscriptions(LeadgateDbContext db)
{
    public async Task<Result<IReadOnlyList<WebhookSubscriptionView>>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (WebhookSubscriptionRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        var subscriptions = await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => s.OrganisationId == actor.OrganisationId)
            .OrderBy(s => s.Id)
            .ToListAsync(cancellationToken);
        return subscriptions.Select(WebhookSubscriptionView.Of).ToList();
    }
}

/// <summary>Deletes a subscription: nothing more is queued for it, and its pending deliveries fail at their next attempt.</summary>
public sealed class DeleteWebhookSubscription(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<Done>> HandleAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id && s.OrganisationId == actor.OrganisationId, cancellationToken);
        if (subscription is null)
        {
            return new NotFound("Webhook", id);
        }

        if (WebhookSubscriptionRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        db.WebhookSubscriptions.Remove(subscription);
        db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "webhook.deleted", "Webhook", subscription.Id, null, clock.GetUtcNow()));
        return await db.SaveAsync(null, cancellationToken);
    }
}

/// <summary>The delivery log of one subscription, newest first: every happening sent to it, its attempts and their outcome.</summary>
public sealed class ListWebhookDeliveries(LeadgateDbContext db)
{
    public const int MaxLimit = 200;

    public async Task<Result<IReadOnlyList<WebhookDeliveryView>>> HandleAsync(Guid subscriptionId, int limit, Actor actor, CancellationToken cancellationToken)
    {
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == subscriptionId && s.OrganisationId == actor.OrganisationId, cancellationToken))
        {
            return new NotFound("Webhook", subscriptionId);
        }

        if (WebhookSubscriptionRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.SubscriptionId == subscriptionId && d.OrganisationId == actor.OrganisationId)
            .OrderByDescending(d => d.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .Select(d => new WebhookDeliveryView(
                d.Id, d.SubscriptionId, d.HappeningId, d.Event, d.Status, d.Attempts, d.CreatedAt, d.LastAttemptAt, d.LastStatusCode, d.LastError,
                d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt))
            .ToListAsync(cancellationToken);
    }
}
