using Leadgate.Common;
using Leadgate.Prediction;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/models: the organisation's likelihood model versions, training one, and choosing the active one.</summary>
public static class ModelsApi
{
    public static RouteGroupBuilder MapModels(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models");
        models.MapGet("/", List).WithName("ListModels")
            .WithSummary("The likelihood model versions, newest first: training date, cross-validated AUC, Brier score and log loss, calibration per decile, closed leads, strongest factors, active");
        models.MapPost("/train", Train).WithIdempotency().WithName("TrainModel")
            .WithSummary("Train a new model version on the closed leads (admin); refused with what is missing below 200 closed leads or 30 of either outcome. The first version becomes active");
        models.MapPost("/{id:guid}/activate", Activate).WithName("ActivateModel")
            .WithSummary("Make a model version the active one, or roll back to an older one (admin); every lead is scored by it");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ModelVersionView>>> List(ListModels handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Created<ModelVersionView>, ProblemHttpResult>> Train(
        TrainModel handler, HttpContext http, CancellationToken cancellationToken, TrainModelRequest? request = null)
    {
        var result = await handler.HandleAsync(request ?? new TrainModelRequest(), http.Actor(), null, cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Created($"/api/v1/models/{result.Value.Id}", result.Value);
    }

    private static async Task<Results<Ok<ModelVersionView>, ProblemHttpResult>> Activate(
        Guid id, ActivateModel handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }
}
