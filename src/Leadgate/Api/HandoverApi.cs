using System.ComponentModel.DataAnnotations;
using Leadgate.Common;
using Leadgate.Handover;
using Leadgate.Leads;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/inbox, claiming from the shared queue, and /api/v1/settings/routing and /sla.</summary>
public static class HandoverApi
{
    public static RouteGroupBuilder MapHandover(this RouteGroupBuilder api)
    {
        api.MapGet("/inbox", Inbox).WithName("GetInbox").WithTags("Inbox")
            .WithSummary("The caller's open MQLs and the shared queue, each ordered by SLA due time, then fit and engagement (sort=due), or by likelihood (sort=likelihood), optionally only those with a likelihood of at least minLikelihood (0-1)");
        api.MapPost("/leads/{id:guid}/claim", Claim).WithName("ClaimLead").Versioned().WithTags("Leads").WithIdempotency()
            .WithSummary("A sales rep takes an MQL from the shared queue (409 when another rep was first)");
        var routing = api.MapGroup("/settings/routing").WithTags("Settings");
        routing.MapGet("/", GetRouting).WithName("GetRoutingSettings").WithSummary("Teams, ordered routing rules, and every sales rep's availability, capacity and open MQLs");
        routing.MapPut("/", ChangeRouting).WithName("ChangeRoutingSettings").WithSummary("Replace teams and rules, and optionally set reps' availability and capacity (admin or manager)");
        routing.MapPut("/reps/{userId:guid}", SetAvailability).WithName("SetRepAvailability").WithSummary("A rep marks themselves away or back; an admin or manager sets anyone's availability and capacity");
        var sla = api.MapGroup("/settings/sla").WithTags("Settings");
        sla.MapGet("/", GetSla).WithName("GetSlaSettings").WithSummary("The response clock: working hours to first touch, reminder, working week, time zone, escalation");
        sla.MapPut("/", ChangeSla).WithName("ChangeSlaSettings").WithSummary("Change the response clock (admin or manager); running clocks keep their due time");
        return api;
    }

    private static async Task<Results<Ok<Inbox>, ProblemHttpResult>> Inbox(
        GetInbox handler, HttpContext http, CancellationToken cancellationToken, [Range(1, GetInbox.MaxLimit)] int limit = 100,
        InboxSort sort = InboxSort.Due, [Range(0d, 1d)] double? minLikelihood = null) =>
        Answer(await handler.HandleAsync(http.Actor(), limit, sort, minLikelihood, cancellationToken));

    private static Task<Results<Ok<LeadDetails>, ProblemHttpResult>> Claim(Guid id, ClaimLead handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, expected, actor, cancellationToken), lead => lead.Version);

    private static async Task<Ok<RoutingSettingsView>> GetRouting(GetRouting handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Ok<RoutingSettingsView>, ProblemHttpResult>> ChangeRouting(
        ChangeRoutingRequest request, ChangeRouting handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(request, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<RepView>, ProblemHttpResult>> SetAvailability(
        Guid userId, SetAvailabilityRequest request, SetAvailability handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(userId, request, http.Actor(), cancellationToken));

    private static async Task<Ok<SlaSettings>> GetSla(GetSla handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Ok<SlaSettings>, ProblemHttpResult>> ChangeSla(
        SlaSettings request, ChangeSla handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(request, http.Actor(), cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
}
