using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Leadgate.Data;
using Leadgate.Intake;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Leadgate.Notifications;

/// <summary>What one round of webhook work did.</summary>
public sealed record DeliveryRound(int Queued, int Delivered, int Failed);

/// <summary>
/// The background half of the outbox, safe on any number of app instances on one database:
/// <list type="number">
/// <item>fan-out: happenings still marked pending become one <see cref="WebhookDelivery"/> per subscription that wants
/// them, and stop being pending, in one transaction; the unique (happening, subscription) index refuses a second queue
/// by a racing instance, whose transaction then rolls back;</item>
/// <item>delivery: each due delivery is claimed by a conditional UPDATE that only one instance wins (a lease with a
/// fresh token); the winner posts the stored body, signed as inbound webhooks are (HMAC-SHA256 over
/// <c>"&lt;timestamp&gt;.&lt;raw body&gt;"</c>), and records the outcome only while it still holds the lease. A failure
/// is retried with exponential back-off up to <see cref="WebhookDelivery.MaxAttempts"/> attempts.</item>
/// </list>
/// </summary>
public sealed partial class DeliverWebhooks(
    IDbContextFactory<LeadgateDbContext> contexts, TimeProvider clock, IDataProtectionProvider dataProtection, WebhookPoster poster, ILogger<DeliverWebhooks> logger)
{
    public const string EventHeader = "X-Leadgate-Event";
    public const string EventIdHeader = "X-Leadgate-Event-Id";
    public const string DeliveryHeader = "X-Leadgate-Delivery";

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private const int FanOutBatch = 500;
    private const int DeliveryBatch = 20;

    /// <summary>Queues what is pending, then sends what is due, until nothing is left for now.</summary>
    public async Task<DeliveryRound> RunOnceAsync(CancellationToken cancellationToken)
    {
        var queued = 0;
        int more;
        do
        {
            more = await FanOutAsync(cancellationToken);
            queued += more;
        }
        while (more > 0);

        var (delivered, failed) = (0, 0);
        while (await ClaimAsync(cancellationToken) is { Count: > 0 } claimed)
        {
            foreach (var (delivery, token) in claimed)
            {
                if (await SendAsync(delivery, token, cancellationToken))
                {
                    delivered++;
                }
                else
                {
                    failed++;
                }
            }
        }

        return new DeliveryRound(queued, delivered, failed);
    }

    /// <summary>Turns one batch of pending happenings into deliveries; answers how many happenings it handled.</summary>
    private async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var happenings = await db.Happenings.AsNoTracking()
            .Where(h => h.WebhookPending)
            .OrderBy(h => h.Id)
            .Take(FanOutBatch)
            .ToListAsync(cancellationToken);
        if (happenings.Count == 0)
        {
            return 0;
        }

        var organisations = happenings.Select(h => h.OrganisationId).Distinct().ToList();
        var subscriptions = (await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => organisations.Contains(s.OrganisationId))
            .ToListAsync(cancellationToken))
            .ToLookup(s => s.OrganisationId);
        var now = clock.GetUtcNow();
        foreach (var happening in happenings)
        {
            // A subscription hears what happened after it was made, not the organisation's past.
            foreach (var subscription in subscriptions[happening.OrganisationId].Where(s => s.Wants(happening.Kind) && s.CreatedAt <= happening.At))
            {
                db.WebhookDeliveries.Add(WebhookDelivery.For(happening, subscription, Body(happening), now));
            }
        }

        var ids = happenings.Select(h => h.Id).ToList();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await db.Happenings.Where(h => ids.Contains(h.Id) && h.WebhookPending)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.WebhookPending, false), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is DbUpdateException or InvalidOperationException { InnerException: DbUpdateException })
        {
            // Another instance queued (some of) the same happenings at the same moment: its deliveries stand.
            LogFanOutRace(logger);
            return 0;
        }

        return happenings.Count;
    }

    /// <summary>Claims up to a batch of due deliveries for this round, each by an UPDATE that only one instance can win.</summary>
    private async Task<List<(WebhookDelivery Delivery, Guid Token)>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil < now))
            .OrderBy(d => d.HappeningId)
            .Take(DeliveryBatch)
            .ToListAsync(cancellationToken);
        // Sent in the order things happened, as far as retries allow.
        var claimed = new List<(WebhookDelivery, Guid)>();
        foreach (var delivery in due)
        {
            var token = Guid.NewGuid();
            var won = await db.WebhookDeliveries
                .Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseToken, token).SetProperty(d => d.LeaseUntil, now + WebhookDelivery.Lease), cancellationToken);
            if (won == 1)
            {
                claimed.Add((delivery, token));
            }
        }

        return claimed;
    }

    private async Task<bool> SendAsync(WebhookDelivery delivery, Guid token, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
        var sentAt = clock.GetUtcNow();
        int? status = null;
        string? error;
        if (subscription is null)
        {
            error = "The subscription was deleted.";
        }
        else if (Secret(subscription) is not { } secret)
        {
            error = "The signing secret can no longer be decrypted; make a new subscription.";
        }
        else
        {
            (status, error) = await poster.PostAsync(subscription.Url, delivery, secret, sentAt.ToUnixTimeSeconds(), cancellationToken);
        }

        var attempts = delivery.Attempts + 1;
        var delivered = error is null;
        var final = delivered || subscription is null || attempts >= WebhookDelivery.MaxAttempts;
        var outcome = delivered ? DeliveryStatus.Delivered : final ? DeliveryStatus.Failed : DeliveryStatus.Pending;
        var next = delivered ? delivery.NextAttemptAt : sentAt + WebhookDelivery.BackOff(attempts);
        var recorded = await db.WebhookDeliveries
            .Where(d => d.Id == delivery.Id && d.LeaseToken == token)
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, outcome)
                    .SetProperty(d => d.Attempts, attempts)
                    .SetProperty(d => d.LastAttemptAt, sentAt)
                    .SetProperty(d => d.LastStatusCode, status)
                    .SetProperty(d => d.LastError, error)
                    .SetProperty(d => d.DeliveredAt, delivered ? sentAt : null)
                    .SetProperty(d => d.NextAttemptAt, next)
                    .SetProperty(d => d.LeaseToken, (Guid?)null)
                    .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null),
                cancellationToken);
        if (recorded == 0)
        {
            LogLeaseLost(logger, delivery.Id);
        }
        else if (!delivered)
        {
            LogAttemptFailed(logger, delivery.Id, delivery.Event, attempts, status, final);
        }

        return delivered;
    }

    private string? Secret(WebhookSubscription subscription)
    {
        try
        {
            return WebhookSubscriptionSecrets.Protector(dataProtection).Unprotect(subscription.ProtectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The envelope every receiver gets: the happening's id (stable across retries, for de-duplication), its type, when, and its data.</summary>
    internal static string Body(Happening happening) => new JsonObject
    {
        ["id"] = happening.Id,
        ["type"] = happening.Kind.WireName(),
        ["occurredAt"] = happening.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        ["organisationId"] = happening.OrganisationId,
        ["data"] = JsonNode.Parse(happening.Payload),
    }.ToJsonString();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Another instance queued the same webhook happenings at the same moment; its deliveries stand")]
    private static partial void LogFanOutRace(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} outlived its lease; its outcome was not recorded")]
    private static partial void LogLeaseLost(ILogger logger, Guid deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} ({Event}) attempt {Attempt} failed with status {Status}; final: {Final}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid deliveryId, string @event, int attempt, int? status, bool final);
}

/// <summary>The outbound HTTP seam: posts a delivery's stored body, signed, and tells how it went.</summary>
public sealed class WebhookPoster(HttpClient http)
{
    /// <summary>(status, null) when the receiver answered 2xx; otherwise the status if there was one and a short reason.</summary>
    public async Task<(int? Status, string? Error)> PostAsync(string url, WebhookDelivery delivery, string secret, long unixSeconds, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, unixSeconds.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, unixSeconds, body));
        request.Headers.Add(DeliverWebhooks.EventHeader, delivery.Event);
        request.Headers.Add(DeliverWebhooks.EventIdHeader, delivery.HappeningId.ToString());
        request.Headers.Add(DeliverWebhooks.DeliveryHeader, delivery.Id.ToString());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DeliverWebhooks.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (status, null) : (status, $"The receiver answered {status} {response.ReasonPhrase}.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"No answer within {DeliverWebhooks.Timeout.TotalSeconds:0} seconds.");
        }
        catch (HttpRequestException exception) when (exception.InnerException is WebhookAddressRefusedException)
        {
            return (null, "Refused: the receiver's address is loopback, private, link-local or otherwise reserved (Webhooks:AllowPrivateNetworks is off).");
        }
        catch (HttpRequestException exception)
        {
            return (null, "Could not reach the receiver: " + (exception.HttpRequestError.ToString()) + ".");
        }
    }
}
