using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Reports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/reports: the funnel, the other reports and the forecast (docs/reports.md), for managers, admins and marketing.</summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReports(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/funnel", Funnel).WithName("GetFunnelReport")
            .WithSummary("The funnel: per stage entered, reached, skipped, recycled, exited and the conversion to the next stage (numerator, denominator, rate), for a period [from, to) or a cohort, filtered and grouped");
        reports.MapGet("/cohorts", Cohorts).WithName("GetCohortReport")
            .WithSummary("Cohort conversion: per month of first entry into MQL (SQL), the share that reached SQL (Customer) within 30, 60 and 90 days, with the windows not yet complete");
        reports.MapGet("/velocity", Velocity).WithName("GetVelocityReport")
            .WithSummary("Velocity: median and 75th percentile days between first entries of funnel stages, and how many leads made each step");
        reports.MapGet("/reasons", Reasons).WithName("GetReasonReport")
            .WithSummary("Why leads left: the reason codes of sent-back, disqualified and lost leads in the period, with counts and each one's share of its kind");
        reports.MapGet("/response", Response).WithName("GetResponseReport")
            .WithSummary("Speed to lead: handovers assigned in the period, hours to the first touch (median, 75th percentile) and SLA met of met + breached");
        reports.MapGet("/sources", Sources).WithName("GetSourceReport")
            .WithSummary("MQL quality per source (or the chosen grouping): leads, MQLs, SQLs, customers, won value, and the conversions as numerator, denominator and rate");
        reports.MapGet("/win-rate", WinRate).WithName("GetWinRateReport")
            .WithSummary("Win rate of the deals closed in the period (won of won + lost), value won, average deal value and average sales cycle");
        reports.MapGet("/pipeline", Pipeline).WithName("GetPipelineReport")
            .WithSummary("The open deals by pipeline stage now: count, value, weighted value and how many are stale");
        reports.MapGet("/forecast", Forecast).WithName("GetForecastReport")
            .WithSummary("The forecast in the organisation's currency: the weighted pipeline by close month and forecast category with its roll-ups (commit, best case, pipeline), deals without an exchange rate apart, the run-rate forecast with its inputs, and the back-test of the past six months (forecast against actual; MAPE, WAPE, bias)");
        return api;
    }

    /// <summary>The query parameters every report takes, as the API names them (docs/reports.md, "Filters and grouping").</summary>
    internal sealed class Parameters
    {
        [FromQuery(Name = "from")]
        public string? From { get; init; }

        [FromQuery(Name = "to")]
        public string? To { get; init; }

        [FromQuery(Name = "view")]
        public string? View { get; init; }

        [FromQuery(Name = "by")]
        public string? By { get; init; }

        [FromQuery(Name = "source")]
        public string? Source { get; init; }

        [FromQuery(Name = "campaign")]
        public string? Campaign { get; init; }

        [FromQuery(Name = "ownerId")]
        public string? OwnerId { get; init; }

        [FromQuery(Name = "team")]
        public string? Team { get; init; }

        [FromQuery(Name = "fitTier")]
        public string? FitTier { get; init; }

        [FromQuery(Name = "pipelineId")]
        public string? PipelineId { get; init; }

        [FromQuery(Name = "includeImported")]
        public string? IncludeImported { get; init; }

        public ReportQuery Query() => new()
        {
            From = From, To = To, View = View, By = By, Source = Source, Campaign = Campaign, OwnerId = OwnerId, Team = Team,
            FitTier = FitTier, PipelineId = PipelineId, IncludeImported = IncludeImported,
        };
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult>> Answer<T>(Task<Result<T>> report)
    {
        var result = await report;
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static Task<Results<Ok<FunnelReport>, ProblemHttpResult>> Funnel(GetFunnel handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));

    private static Task<Results<Ok<CohortReport>, ProblemHttpResult>> Cohorts(GetCohorts handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));

    private static Task<Results<Ok<VelocityReport>, ProblemHttpResult>> Velocity(GetVelocity handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));

    private static Task<Results<Ok<ReasonReport>, ProblemHttpResult>> Reasons(GetReasons handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));

    private static Task<Results<Ok<ResponseReport>, ProblemHttpResult>> Response(GetResponse handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));

    private static Task<Results<Ok<SourceReport>, ProblemHttpResult>> Sources(GetSources handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));

    private static Task<Results<Ok<WinRateReport>, ProblemHttpResult>> WinRate(GetWinRate handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));

    private static Task<Results<Ok<PipelineReport>, ProblemHttpResult>> Pipeline(GetPipelineReport handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));

    private static Task<Results<Ok<ForecastReport>, ProblemHttpResult>> Forecast(GetForecast handler, HttpContext http, [AsParameters] Parameters query, CancellationToken cancellationToken) =>
        Answer(handler.HandleAsync(query.Query(), http.Actor(), cancellationToken));
}
