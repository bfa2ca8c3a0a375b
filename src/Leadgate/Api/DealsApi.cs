using Leadgate.Pipeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/deals: the deal opened by accepting a lead, and its proposal, won and lost steps.</summary>
public static class DealsApi
{
    public static RouteGroupBuilder MapDeals(this RouteGroupBuilder api)
    {
        var deals = api.MapGroup("/deals").WithTags("Deals");
        deals.MapGet("/{id:guid}", Get).WithName("GetDeal").Versioned().WithSummary("A deal");
        deals.MapPatch("/{id:guid}", Revise).WithName("ReviseDeal").Versioned().WithSummary("Revise an open deal's value, currency or expected close date");
        deals.MapPost("/{id:guid}/proposal", Proposal).WithName("RecordProposal").Versioned().WithIdempotency().WithSummary("Record a proposal: the lead becomes an Opportunity");
        deals.MapPost("/{id:guid}/won", Won).WithName("MarkDealWon").Versioned().WithIdempotency().WithSummary("The deal is won: the lead becomes a Customer");
        deals.MapPost("/{id:guid}/lost", Lost).WithName("MarkDealLost").Versioned().WithIdempotency().WithSummary("The deal is lost: the lead goes to Nurture or Disqualified");
        return api;
    }

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Get(Guid id, GetDeal handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ReadAsync(http, actor => handler.HandleAsync(id, actor, cancellationToken), deal => deal.Version);

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Revise(
        Guid id, ReviseDealRequest request, ReviseDeal handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), deal => deal.Version);

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Proposal(
        Guid id, RecordProposalRequest request, RecordProposal handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), deal => deal.Version);

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Won(
        Guid id, MarkDealWonRequest request, MarkDealWon handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), deal => deal.Version);

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Lost(
        Guid id, MarkDealLostRequest request, MarkDealLost handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), deal => deal.Version);
}
