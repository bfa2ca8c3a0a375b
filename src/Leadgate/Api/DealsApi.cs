using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Leadgate.Common;
using Leadgate.Pipeline;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/deals: the deals opened by accepting leads, their pipeline moves, plans, stakeholders and history.</summary>
public static class DealsApi
{
    public static RouteGroupBuilder MapDeals(this RouteGroupBuilder api)
    {
        var deals = api.MapGroup("/deals").WithTags("Deals");
        deals.MapGet("/", List).WithName("ListDeals").WithSummary("List deals, newest first, with filters (pipelineId, stage, ownerId, status, stale, closeMonth) and a cursor");
        deals.MapGet("/attention", Attention).WithName("ListDealsNeedingAttention").WithSummary("Open deals that need attention: stale, next step overdue, close date passed, no next step");
        deals.MapGet("/board", Board).WithName("GetPipelineBoard").WithSummary("The board of a pipeline (pipelineId; the first when left out): a column per stage with count, total and weighted total in the organisation's currency, and its first cardsPerColumn cards by close date");
        deals.MapGet("/{id:guid}", Get).WithName("GetDeal").Versioned().WithSummary("A deal with its stage, probability, next step and stakeholders");
        deals.MapPatch("/{id:guid}", Revise).WithName("ReviseDeal").Versioned().WithSummary("Revise an open deal: value, currency, expected close date, probability, forecast category, next step, owner (JSON merge patch)")
            .Accepts<ReviseDealRequest>("application/merge-patch+json", "application/json");
        deals.MapPost("/{id:guid}/move", Move).WithName("MoveDeal").Versioned().WithSummary("Move the deal to another stage of its pipeline; the lead's lifecycle decides");
        deals.MapGet("/{id:guid}/history", History).WithName("GetDealHistory").WithSummary("The deal's history: stage, value, close date, probability and forecast category after each change");
        deals.MapPost("/{id:guid}/stakeholders", AddStakeholder).WithName("AddDealStakeholder").Versioned(takesIfMatch: false).WithIdempotency().WithSummary("Add a contact of the buyer to the deal in a role");
        deals.MapDelete("/{id:guid}/stakeholders/{stakeholderId:guid}", RemoveStakeholder).WithName("RemoveDealStakeholder").Versioned(takesIfMatch: false).WithSummary("Remove a stakeholder from the deal");
        deals.MapPost("/{id:guid}/activities", LogActivity).WithName("LogDealActivity").Versioned(takesIfMatch: false).WithIdempotency().WithSummary("Log an activity with the deal's lead, or schedule one on the deal (dueAt)");
        deals.MapPost("/{id:guid}/activities/{activityId:guid}/done", CompleteActivity).WithName("CompleteDealActivity").Versioned(takesIfMatch: false).WithSummary("Mark a scheduled activity done: it is logged as the activity it was");
        deals.MapPost("/{id:guid}/objections", RaiseObjection).Versioned().WithIdempotency().WithName("RaiseDealObjection")
            .WithSummary("Record an objection the buyer raised on the deal (category, text, and how it was answered when it was)");
        deals.MapPost("/{id:guid}/objections/{objectionId:guid}/answer", AnswerObjection).Versioned().WithIdempotency().WithName("AnswerDealObjection")
            .WithSummary("Record how an objection on the deal was answered");
        deals.MapPost("/{id:guid}/proposal", Proposal).WithName("RecordProposal").Versioned().WithIdempotency().WithSummary("Record a proposal: the lead becomes an Opportunity");
        deals.MapPost("/{id:guid}/won", Won).WithName("MarkDealWon").Versioned().WithIdempotency().WithSummary("The deal is won: the lead becomes a Customer");
        deals.MapPost("/{id:guid}/lost", Lost).WithName("MarkDealLost").Versioned().WithIdempotency().WithSummary("The deal is lost: the lead goes to Nurture or Disqualified");
        api.MapGet("/settings/pipelines", Pipelines).WithName("GetPipelines").WithTags("Deals").WithSummary("The organisation's pipelines and their stages");
        api.MapPut("/settings/pipelines", ChangePipelines).WithName("ChangePipelines").WithTags("Deals").WithSummary("Replace the pipelines and stages (rename, reorder, add, deactivate; a stage in use is never deleted nor changes meaning)");
        api.MapGet("/settings/exchange-rates", ExchangeRates).WithName("GetExchangeRates").WithTags("Deals").WithSummary("The organisation's currency and its exchange rates");
        api.MapPut("/settings/exchange-rates", ChangeExchangeRates).WithName("ChangeExchangeRates").WithTags("Deals").WithSummary("Replace the exchange rates (admin)");
        return api;
    }

    private static async Task<Results<Ok<DealPage>, ProblemHttpResult>> List(
        ListDeals handler, HttpContext http, CancellationToken cancellationToken,
        Guid? pipelineId = null, string? stage = null, Guid? ownerId = null, DealStatus? status = null, bool? stale = null,
        string? closeMonth = null, string? cursor = null, [Range(1, ListDeals.MaxLimit)] int limit = 50)
    {
        var request = new ListDealsRequest
        {
            PipelineId = pipelineId, Stage = stage, OwnerId = ownerId, Status = status, Stale = stale, CloseMonth = closeMonth, Cursor = cursor, Limit = limit,
        };
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Get(Guid id, GetDeal handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ReadAsync(http, actor => handler.HandleAsync(id, actor, cancellationToken), deal => deal.Version);

    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> Revise(
        Guid id, ReviseDeal handler, IOptions<JsonOptions> json, HttpContext http, CancellationToken cancellationToken)
    {
        if (!http.Request.HasJsonContentType())
        {
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the fields to change as application/merge-patch+json or application/json.");
        }

        // Read here, not bound: a merge patch must know which fields were sent, and the document describes the body
        // from the Accepts metadata (ReviseDealRequest), not as free-form JSON.
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            return Problems.ToResult(Invalid.Field(JsonErrors.FieldOf(exception), JsonErrors.Explain(exception)));
        }

        var request = ReadPatch(body, json.Value.SerializerOptions);
        if (request.Error is { } invalid)
        {
            return Problems.ToResult(invalid);
        }

        return await ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request.Value, expected, actor, cancellationToken), deal => deal.Version);
    }

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Move(
        Guid id, MoveDealRequest request, MoveDeal handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), deal => deal.Version);

    private static async Task<Results<Ok<IReadOnlyList<DealChangeView>>, ProblemHttpResult>> History(
        Guid id, GetDealHistory handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Created<DealView>, ProblemHttpResult>> AddStakeholder(
        Guid id, AddStakeholderRequest request, AddStakeholder handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, request, http.Actor(), cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        http.Response.SetETag(result.Value.Version);
        return TypedResults.Created($"/api/v1/deals/{id}", result.Value);
    }

    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> RemoveStakeholder(
        Guid id, Guid stakeholderId, RemoveStakeholder handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, stakeholderId, http.Actor(), cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        http.Response.SetETag(result.Value.Version);
        return TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Created<RaisedObjectionView>, ProblemHttpResult>> RaiseObjection(
        Guid id, RaiseObjectionRequest request, RaiseObjection handler, HttpContext http, CancellationToken cancellationToken)
    {
        var expected = Versions.ExpectedVersion(http.Request);
        if (expected.Error is { } malformed)
        {
            return Problems.ToResult(malformed);
        }

        var result = await handler.HandleAsync(id, request, expected.Value, http.Actor(), cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        http.Response.SetETag(result.Value.Deal.Version);
        return TypedResults.Created($"/api/v1/deals/{id}", result.Value);
    }

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> AnswerObjection(
        Guid id, Guid objectionId, AnswerObjectionRequest request, AnswerObjection handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, objectionId, request, expected, actor, cancellationToken), deal => deal.Version);

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Proposal(
        Guid id, RecordProposalRequest request, RecordProposal handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), deal => deal.Version);

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Won(
        Guid id, MarkDealWonRequest request, MarkDealWon handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), deal => deal.Version);

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> Lost(
        Guid id, MarkDealLostRequest request, MarkDealLost handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), deal => deal.Version);

    private static async Task<Ok<IReadOnlyList<PipelineView>>> Pipelines(GetPipelines handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Ok<AttentionList>> Attention(ListAttention handler, HttpContext http, CancellationToken cancellationToken, Guid? ownerId = null) =>
        TypedResults.Ok(await handler.HandleAsync(ownerId, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<BoardView>, ProblemHttpResult>> Board(
        GetBoard handler, HttpContext http, CancellationToken cancellationToken, Guid? pipelineId = null, Guid? ownerId = null, string? closeMonth = null, bool stale = false,
        [Range(1, GetBoard.MaxCardsPerColumn)] int cardsPerColumn = GetBoard.DefaultCardsPerColumn)
    {
        var request = new GetBoardRequest { PipelineId = pipelineId, OwnerId = ownerId, CloseMonth = closeMonth, StaleOnly = stale, CardsPerColumn = cardsPerColumn };
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Created<DealActivityView>, ProblemHttpResult>> LogActivity(
        Guid id, LogDealActivityRequest request, LogDealActivity handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, request, http.Actor(), cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        http.Response.SetETag(result.Value.Deal.Version);
        return TypedResults.Created($"/api/v1/deals/{id}", result.Value);
    }

    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> CompleteActivity(
        Guid id, Guid activityId, CompleteDealActivityRequest? request, CompleteDealActivity handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, activityId, request ?? new CompleteDealActivityRequest(), http.Actor(), cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        http.Response.SetETag(result.Value.Version);
        return TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Ok<IReadOnlyList<PipelineView>>, ProblemHttpResult>> ChangePipelines(
        ChangePipelinesRequest request, ChangePipelines handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static async Task<Ok<ExchangeRatesView>> ExchangeRates(GetExchangeRates handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Ok<ExchangeRatesView>, ProblemHttpResult>> ChangeExchangeRates(
        ChangeExchangeRatesRequest request, ChangeExchangeRates handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    /// <summary>A merge patch: the request, plus which fields were actually sent (a sent null clears a field).</summary>
    private static Result<ReviseDealRequest> ReadPatch(JsonElement body, JsonSerializerOptions options)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Invalid.Field("body", "Send a JSON object with the fields to change.");
        }

        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            sent.Add(property.Name);
        }

        try
        {
            var request = body.Deserialize<ReviseDealRequest>(options) ?? new ReviseDealRequest();
            return request with { Sent = sent };
        }
        catch (JsonException exception)
        {
            return Invalid.Field(JsonErrors.FieldOf(exception), JsonErrors.Explain(exception));
        }
    }
}
