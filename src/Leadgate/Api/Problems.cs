using System.Text.Json;
using Leadgate.Common;
using Leadgate.Leads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Leadgate.Web.Api;

/// <summary>
/// The one place where business errors become HTTP: RFC 9457 problem details, each kind with its own stable type URI
/// (listed in docs/api.md). Nothing else in the web host chooses a status code for a failure.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://leadgate.dev/problems/";

    public static ProblemHttpResult ToResult(Error error) => error switch
    {
        Common.NotFound notFound => Problem(StatusCodes.Status404NotFound, "not-found", $"{notFound.Entity} not found", error.Message),
        NotAuthentic => Problem(StatusCodes.Status401Unauthorized, "unauthorized", "Not authenticated", error.Message),
        Forbidden => Problem(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", error.Message),
        Invalid invalid => TypedResults.Problem(new HttpValidationProblemDetails(invalid.Errors.ToDictionary())
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypeBase + "validation",
            Title = "The request has invalid fields",
            Detail = error.Message,
        }),
        TransitionNotAllowed refused => Problem(
            StatusCodes.Status409Conflict,
            $"transition-not-allowed/{Slug(refused.From)}-to-{(refused.To is { } to ? Slug(to) : "any")}",
            refused.To is { } target ? $"Transition {refused.From} → {target} is not allowed" : $"{refused.Action} is not allowed from {refused.From}",
            error.Message,
            new() { ["action"] = refused.Action.ToString(), ["from"] = refused.From.ToString(), ["to"] = refused.To?.ToString() }),
        RequirementsMissing missing => Problem(
            StatusCodes.Status409Conflict,
            "transition-requirements-missing",
            $"Transition {missing.From} → {missing.To} needs more",
            error.Message,
            new()
            {
                ["from"] = missing.From.ToString(),
                ["to"] = missing.To.ToString(),
                ["missing"] = missing.Missing.Select(m => new { code = m.Code, message = m.Message }).ToList(),
            }),
        Prediction.NotEnoughHistory history => Problem(
            StatusCodes.Status409Conflict, "not-enough-history", "Not enough closed leads to train a model", error.Message,
            new()
            {
                ["closedLeads"] = history.Counts.Closed,
                ["convertedLeads"] = history.Counts.Converted,
                ["notConvertedLeads"] = history.Counts.NotConverted,
                ["minimumClosedLeads"] = Prediction.ClosedLeadCounts.MinimumClosed,
                ["minimumEachOutcome"] = Prediction.ClosedLeadCounts.MinimumEachOutcome,
            }),
        Common.Conflict conflict => Problem(StatusCodes.Status409Conflict, "conflict", "Conflict", error.Message, new() { ["code"] = conflict.Code }),
        PreconditionFailed stale => Problem(
            StatusCodes.Status412PreconditionFailed, "precondition-failed", "The resource has changed", error.Message,
            new() { ["currentETag"] = Versions.ETagOf(stale.CurrentVersion) }),
        _ => throw new InvalidOperationException($"No problem mapping for {error.GetType().Name}."),
    };

    public static ProblemHttpResult Problem(int status, string type, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Type = TypeBase + type,
            Title = title,
            Detail = detail,
            Extensions = extensions ?? [],
        });

    /// <summary>For middleware that answers before an endpoint runs (authentication, idempotency headers).</summary>
    public static Task WriteAsync(HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var problem = new ProblemDetails { Status = status, Type = TypeBase + type, Title = title, Detail = detail, Instance = context.Request.Path };
        return context.Response.WriteAsync(JsonSerializer.Serialize(problem, JsonSerializerOptions.Web));
    }

    private static string Slug(Stage stage) => stage.ToString().ToLowerInvariant();
}
