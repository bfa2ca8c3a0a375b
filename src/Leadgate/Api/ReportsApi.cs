using Leadgate.Reports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/reports: the funnel and the forecast (docs/reports.md), for managers, admins and marketing.</summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReports(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/funnel", Funnel).WithName("GetFunnelReport")
            .WithSummary("The funnel: per stage entered, reached, skipped, recycled, exited and the conversion to the next stage (numerator, denominator, rate), for a period [from, to) or a cohort, filtered and grouped");
        reports.MapGet("/forecast", Forecast).WithName("GetForecastReport")
            .WithSummary("The forecast in the organisation's currency: the weighted pipeline by close month and forecast category with its roll-ups (commit, best case, pipeline), deals without an exchange rate apart, and the back-test of the past six months (forecast against actual; MAPE, WAPE, bias)");
        return api;
    }

    private static async Task<Results<Ok<ForecastReport>, ProblemHttpResult>> Forecast(
        GetForecast handler, HttpContext http, CancellationToken cancellationToken,
        string? from = null, string? to = null, string? view = null, string? by = null, string? source = null, string? campaign = null,
        string? ownerId = null, string? team = null, string? fitTier = null, string? pipelineId = null, string? includeImported = null)
    {
        var query = new ReportQuery
        {
            From = from, To = to, View = view, By = by, Source = source, Campaign = campaign, OwnerId = ownerId, Team = team,
            FitTier = fitTier, PipelineId = pipelineId, IncludeImported = includeImported,
        };
        var result = await handler.HandleAsync(query, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Ok<FunnelReport>, ProblemHttpResult>> Funnel(
        GetFunnel handler, HttpContext http, CancellationToken cancellationToken,
        string? from = null, string? to = null, string? view = null, string? by = null, string? source = null, string? campaign = null,
        string? ownerId = null, string? team = null, string? fitTier = null, string? pipelineId = null, string? includeImported = null)
    {
        var query = new ReportQuery
        {
            From = from, To = to, View = view, By = by, Source = source, Campaign = campaign, OwnerId = ownerId, Team = team,
            FitTier = fitTier, PipelineId = pipelineId, IncludeImported = includeImported,
        };
        var result = await handler.HandleAsync(query, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }
}
