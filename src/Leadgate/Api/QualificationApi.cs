using System.ComponentModel.DataAnnotations;
using Leadgate.Common;
using Leadgate.Qualification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>Qualification settings, the SQL priority list and marketing's feedback from sales (docs/lifecycle.md).</summary>
public static class QualificationApi
{
    public static RouteGroupBuilder MapQualification(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings/qualification").WithTags("Settings");
        settings.MapGet("/", GetSettings).WithName("GetQualificationSettings").WithSummary("The BANT minimum for SQL and the rejection, disqualification and lost reason lists");
        settings.MapPut("/", PutSettings).WithName("ChangeQualificationSettings").WithSummary("Replace the BANT minimum and the reason lists (admin or manager); a reason left out is deactivated, never deleted");
        api.MapGet("/sql-priority", Priority).WithName("ListSqlPriority").WithTags("Qualification")
            .WithSummary("Who to work first: the SQLs ranked by BANT strength, timeline urgency, deal value and fit, each with the reasons for its rank (mine=true: your own)");
        api.MapGet("/feedback", Feedback).WithName("GetFeedback").WithTags("Qualification")
            .WithSummary("Marketing's feedback: every MQL sales sent back with its reason and conversation notes, and per source and campaign how many MQLs sales accepted");
        return api;
    }

    private static async Task<Ok<QualificationSettingsView>> GetSettings(GetQualificationSettings handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Ok<QualificationSettingsView>, ProblemHttpResult>> PutSettings(
        ChangeQualificationSettingsRequest request, ChangeQualificationSettings handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static async Task<Ok<IReadOnlyList<SqlPriorityItem>>> Priority(
        ListSqlPriority handler, HttpContext http, CancellationToken cancellationToken, bool mine = false, [Range(1, ListSqlPriority.MaxLimit)] int limit = 100) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), mine, limit, cancellationToken));

    private static async Task<Results<Ok<Feedback>, ProblemHttpResult>> Feedback(
        GetFeedback handler, HttpContext http, CancellationToken cancellationToken, DateOnly? from = null, DateOnly? to = null, [Range(1, GetFeedback.MaxLimit)] int limit = GetFeedback.DefaultLimit)
    {
        // Both ends inclusive here, so an equal from and to is one day.
        var invalid = (from, to) switch
        {
            ({ } f, _) when !CalendarBounds.Holds(f) => Invalid.Field("from", CalendarBounds.Message),
            (_, { } t) when !CalendarBounds.Holds(t) => Invalid.Field("to", CalendarBounds.Message),
            ({ } f, { } t) when t < f => Invalid.Field("to", "'to' must not be earlier than 'from' (both are inclusive)."),
            _ => null,
        };
        return invalid is not null ? Problems.ToResult(invalid) : TypedResults.Ok(await handler.HandleAsync(http.Actor(), from, to, limit, cancellationToken));
    }
}
