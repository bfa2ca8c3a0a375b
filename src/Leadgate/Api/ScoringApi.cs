using Leadgate.Common;
using Leadgate.Scoring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/events (behaviour in, scored) and /api/v1/settings/scoring (the ICP, points, decay and thresholds).</summary>
public static class ScoringApi
{
    public static RouteGroupBuilder MapScoring(this RouteGroupBuilder api)
    {
        api.MapPost("/events", RecordEvents).WithName("RecordEvents").WithTags("Events")
            .WithSummary("Record a batch of 1 to 1,000 behaviour events; each external id is stored once, leads are rescored");
        var settings = api.MapGroup("/settings/scoring").WithTags("Settings");
        settings.MapGet("/", Get).WithName("GetScoringSettings").WithSummary("The scoring model: ICP criteria, points per event type, caps, decay, thresholds, hand-raise types");
        settings.MapPut("/", Change).WithName("ChangeScoringSettings").WithSummary("Replace the scoring model (marketing or admin)");
        settings.MapGet("/rescore", Rescore).WithName("GetRescoreProgress").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Progress of the background rescoring after the last model change (404 when the model was never changed)");
        settings.MapPost("/preview", Preview).WithName("PreviewScoring").WithSummary("How many leads a proposed scoring model would make MQL-eligible, without saving it");
        return api;
    }

    private static async Task<Results<Ok<RecordedEvents>, ProblemHttpResult>> RecordEvents(
        RecordEventsRequest request, EventWriter writer, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await writer.RecordAsync(request, http.Actor(), cancellationToken));

    private static async Task<Ok<ScoringModel>> Get(GetScoringModel handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Ok<ScoringModel>, ProblemHttpResult>> Change(
        ScoringModel model, ChangeScoringModel handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(model, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<RescoreProgress>, ProblemHttpResult>> Rescore(GetRescoreProgress handler, HttpContext http, CancellationToken cancellationToken) =>
        await handler.HandleAsync(http.Actor(), cancellationToken) is { } progress
            ? TypedResults.Ok(progress)
            : Problems.Problem(StatusCodes.Status404NotFound, "not-found", "No rescoring yet", "The scoring model was never changed, so no rescoring has run.");

    private static async Task<Results<Ok<ScoringPreview>, ProblemHttpResult>> Preview(
        ScoringModel model, PreviewScoringModel handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(model, http.Actor(), cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
}
