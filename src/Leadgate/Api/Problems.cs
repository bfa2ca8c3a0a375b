using System.Text.Json;
using Leadgate.Common;
using Leadgate.Leads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Leadgate.Web.Api;

/// <summary>
/// The one place where business errors become HTTP: RFC 9457 problem details, each kind with its own stable type URI
/// (listed in docs/api.md). Nothing else in the web host chooses a status code for a failure.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://leadgate.dev/problems/";

    /// <summary>
    /// What the host answers on its own (no endpoint, a method the route does not have, a body it cannot take, a bug):
    /// the same problem types as the endpoints' own, with a detail a person can act on.
    /// </summary>
    private static readonly Dictionary<int, (string Type, string Title, string Detail)> HostProblems = new()
    {
        [StatusCodes.Status400BadRequest] = ("validation", "The request could not be read", "The request is malformed."),
        [StatusCodes.Status401Unauthorized] = ("unauthorized", "Authentication required", "Send a valid API key as 'Authorization: Bearer <key>', or sign in."),
        [StatusCodes.Status403Forbidden] = ("forbidden", "Forbidden", "Your role may not do this."),
        [StatusCodes.Status404NotFound] = ("not-found", "Not found", "There is no resource at this address; see /openapi/v1.json for the API's paths."),
        [StatusCodes.Status405MethodNotAllowed] = ("method-not-allowed", "Method not allowed", "This address does not take this HTTP method; see /openapi/v1.json."),
        [StatusCodes.Status406NotAcceptable] = ("not-acceptable", "Not acceptable", "The API answers application/json and application/problem+json."),
        [StatusCodes.Status409Conflict] = ("conflict", "Conflict", "The request conflicts with the resource's current state."),
        [StatusCodes.Status411LengthRequired] = ("length-required", "Length required", "Send a Content-Length header."),
        [StatusCodes.Status413PayloadTooLarge] = ("payload-too-large", "The body is too large", "The request body is larger than this endpoint takes."),
        [StatusCodes.Status415UnsupportedMediaType] = ("unsupported-media-type", "Unsupported media type", "Send the body as application/json."),
        [StatusCodes.Status429TooManyRequests] = ("rate-limited", "Too many requests", "Slow down and try again after the time in Retry-After."),
        [StatusCodes.Status431RequestHeaderFieldsTooLarge] = ("headers-too-large", "Headers too large", "The request's headers are too large."),
        [StatusCodes.Status500InternalServerError] = ("internal-error", "Internal error", "Something went wrong on our side; nothing you sent was wrong. Quote the traceId when you report it."),
        [StatusCodes.Status503ServiceUnavailable] = ("unavailable", "Service unavailable", "Try again shortly."),
    };

    public static ProblemHttpResult ToResult(Error error) => TypedResults.Problem(ToProblem(error));

    public static ProblemDetails ToProblem(Error error) => error switch
    {
        Common.NotFound notFound => ProblemOf(StatusCodes.Status404NotFound, "not-found", $"{notFound.Entity} not found", error.Message),
        NotAuthentic => ProblemOf(StatusCodes.Status401Unauthorized, "unauthorized", "Not authenticated", error.Message),
        Forbidden => ProblemOf(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", error.Message),
        Invalid invalid => new HttpValidationProblemDetails(invalid.Errors.ToDictionary(e => JsonContract.Shown(e.Key), e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypeBase + "validation",
            Title = "The request has invalid fields",
            Detail = error.Message,
        },
        TransitionNotAllowed refused => ProblemOf(
            StatusCodes.Status409Conflict,
            $"transition-not-allowed/{Slug(refused.From)}-to-{(refused.To is { } to ? Slug(to) : "any")}",
            refused.To is { } target ? $"Transition {refused.From} → {target} is not allowed" : $"{refused.Action} is not allowed from {refused.From}",
            error.Message,
            new() { ["action"] = refused.Action.ToString(), ["from"] = refused.From.ToString(), ["to"] = refused.To?.ToString() }),
        RequirementsMissing missing => ProblemOf(
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
        Prediction.NotEnoughHistory history => ProblemOf(
            StatusCodes.Status409Conflict, "not-enough-history", "Not enough closed leads to train a model", error.Message,
            new()
            {
                ["closedLeads"] = history.Counts.Closed,
                ["convertedLeads"] = history.Counts.Converted,
                ["notConvertedLeads"] = history.Counts.NotConverted,
                ["minimumClosedLeads"] = Prediction.ClosedLeadCounts.MinimumClosed,
                ["minimumEachOutcome"] = Prediction.ClosedLeadCounts.MinimumEachOutcome,
            }),
        Privacy.Suppressed suppressed => ProblemOf(
            StatusCodes.Status409Conflict, "suppressed", "The person was erased", error.Message,
            new() { ["fields"] = suppressed.Fields.Select(JsonContract.Shown).ToList() }),
        Common.Conflict conflict => ProblemOf(StatusCodes.Status409Conflict, "conflict", "Conflict", error.Message, new() { ["code"] = conflict.Code }),
        PreconditionFailed stale => ProblemOf(
            StatusCodes.Status412PreconditionFailed, "precondition-failed", "The resource has changed", error.Message,
            new() { ["currentETag"] = Versions.ETagOf(stale.CurrentVersion) }),
        _ => throw new InvalidOperationException($"No problem mapping for {error.GetType().Name}."),
    };

    public static ProblemHttpResult Problem(int status, string type, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(ProblemOf(status, type, title, detail, extensions));

    /// <summary>For middleware that answers before an endpoint runs (authentication, idempotency headers, rate limits).</summary>
    public static Task WriteAsync(HttpContext context, int status, string type, string title, string detail) =>
        WriteAsync(context, ProblemOf(status, type, title, detail, null));

    /// <summary>Writes a problem through the host's one problem writer, so it gets the same members as every other.</summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            // The client's Accept header refused JSON; it still gets the problem, in the one format there is.
            Complete(context, problem);
            await context.Response.WriteAsJsonAsync(problem, JsonSerializerOptions.Web, "application/problem+json");
        }
    }

    /// <summary>
    /// The last word on every problem the host writes, the endpoints' own and the framework's alike: a type of ours, a
    /// detail, the instance and the trace id.
    /// </summary>
    public static void Complete(HttpContext http, ProblemDetails problem)
    {
        var status = problem.Status ?? http.Response.StatusCode;
        problem.Status = status;
        if (problem.Type is null || !problem.Type.StartsWith(TypeBase, StringComparison.Ordinal))
        {
            var (type, title, detail) = HostProblems.TryGetValue(status, out var known)
                ? known
                : (status >= 500 ? "internal-error" : "bad-request", ReasonPhrases.GetReasonPhrase(status), ReasonPhrases.GetReasonPhrase(status) + ".");
            problem.Type = TypeBase + type;
            problem.Title = title;
            problem.Detail ??= detail;
        }

        problem.Detail ??= HostProblems.TryGetValue(status, out var fallback) ? fallback.Detail : problem.Title;
        problem.Instance ??= http.Request.Path;
        problem.Extensions["traceId"] = http.TraceIdentifier;
    }

    private static ProblemDetails ProblemOf(int status, string type, string title, string detail, Dictionary<string, object?>? extensions = null) => new()
    {
        Status = status,
        Type = TypeBase + type,
        Title = title,
        Detail = detail,
        Extensions = extensions ?? [],
    };

    private static string Slug(Stage stage) => stage.ToString().ToLowerInvariant();
}
