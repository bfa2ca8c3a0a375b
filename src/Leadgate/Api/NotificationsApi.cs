using System.ComponentModel.DataAnnotations;
using Leadgate.Common;
using Leadgate.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>In-app notifications of the caller, and the organisation's outbound webhooks (docs/notifications.md).</summary>
public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        var mine = api.MapGroup("/notifications").WithTags("Notifications");
        mine.MapGet("/", List).WithName("ListNotifications").WithSummary("Your in-app notifications, newest first, with the unread count (unread=true: only unread)");
        mine.MapPost("/{id:guid}/read", MarkRead).WithName("MarkNotificationRead").WithSummary("Mark one notification read");
        mine.MapPost("/read", MarkAllRead).WithName("MarkAllNotificationsRead").WithSummary("Mark all your notifications read");

        var hooks = api.MapGroup("/settings/webhooks").WithTags("Settings");
        hooks.MapPost("/", Create).WithName("CreateWebhookSubscription").WithSummary("Subscribe an address to lead.mql, lead.assigned, lead.sql, lead.rejected, deal.won (admin); the answer shows the signing secret once");
        hooks.MapGet("/", ListHooks).WithName("ListWebhookSubscriptions").WithSummary("The organisation's outbound webhooks, without secrets (admin)");
        hooks.MapDelete("/{id:guid}", Delete).WithName("DeleteWebhookSubscription").WithSummary("Delete an outbound webhook (admin)");
        hooks.MapGet("/{id:guid}/deliveries", Deliveries).WithName("ListWebhookDeliveries").WithSummary("The delivery log of an outbound webhook, newest first (admin)");
        return api;
    }

    private static async Task<Ok<NotificationList>> List(ListNotifications handler, HttpContext http, CancellationToken cancellationToken, bool unread = false, [Range(1, ListNotifications.MaxLimit)] int limit = ListNotifications.DefaultLimit) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), unread, limit, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(Guid id, MarkNotificationsRead handler, HttpContext http, CancellationToken cancellationToken) =>
        (await handler.HandleAsync(id, http.Actor(), cancellationToken)).Error is { } error ? Problems.ToResult(error) : TypedResults.NoContent();

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkAllRead(MarkNotificationsRead handler, HttpContext http, CancellationToken cancellationToken) =>
        (await handler.HandleAsync(null, http.Actor(), cancellationToken)).Error is { } error ? Problems.ToResult(error) : TypedResults.NoContent();

    private static async Task<Results<Created<IssuedWebhookSubscription>, ProblemHttpResult>> Create(
        CreateWebhookSubscriptionRequest request, CreateWebhookSubscription handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Created($"/api/v1/settings/webhooks/{result.Value.Subscription.Id}", result.Value);
    }

    private static async Task<Results<Ok<IReadOnlyList<WebhookSubscriptionView>>, ProblemHttpResult>> ListHooks(
        ListWebhookSubscriptions handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, DeleteWebhookSubscription handler, HttpContext http, CancellationToken cancellationToken) =>
        (await handler.HandleAsync(id, http.Actor(), cancellationToken)).Error is { } error ? Problems.ToResult(error) : TypedResults.NoContent();

    private static async Task<Results<Ok<IReadOnlyList<WebhookDeliveryView>>, ProblemHttpResult>> Deliveries(
        Guid id, ListWebhookDeliveries handler, HttpContext http, CancellationToken cancellationToken, [Range(1, ListWebhookDeliveries.MaxLimit)] int limit = 50) =>
        Answer(await handler.HandleAsync(id, limit, http.Actor(), cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
}
