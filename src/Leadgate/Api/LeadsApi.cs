using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Qualification;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/leads: intake, the list, the lead, and every lifecycle action on it.</summary>
public static class LeadsApi
{
    public static RouteGroupBuilder MapLeads(this RouteGroupBuilder api)
    {
        var leads = api.MapGroup("/leads").WithTags("Leads");
        leads.MapPost("/", Create).WithName("CreateLead").Versioned(takesIfMatch: false).WithIdempotency().WithSummary("Create a lead, or update the lead with the same e-mail address");
        leads.MapGet("/", List).WithName("ListLeads").WithSummary("List leads, newest first or by fit, engagement or likelihood (sort=fit|engagement|likelihood), with filters (stage, ownerId, q, minFit, minEngagement, minLikelihood, sourceStage, agency) and a cursor");
        leads.MapGet("/{id:guid}", Get).WithName("GetLead").Versioned().WithSummary("A lead with its stage history, activities, BANT, scores and likelihood with its reasons");
        leads.MapPatch("/{id:guid}", Update).WithName("UpdateLead").Versioned().WithSummary("Change contact, company or attribution fields (JSON merge patch)")
            .Accepts<UpdateLeadRequest>("application/merge-patch+json", "application/json");
        leads.MapPost("/{id:guid}/mark-mql", MarkMql).WithName("MarkLeadMql").Versioned().WithIdempotency().WithSummary("Marketing hands the lead to sales");
        leads.MapPost("/{id:guid}/activities", LogActivity).WithName("LogLeadActivity").Versioned().WithIdempotency().WithSummary("Log a call, e-mail, meeting or note");
        leads.MapGet("/{id:guid}/activities/{activityId:guid}", GetActivity).WithName("GetLeadActivity").WithSummary("One logged activity");
        leads.MapPut("/{id:guid}/bant", RecordBant).WithName("RecordBant").Versioned().WithSummary("Record the BANT assessment");
        leads.MapPost("/{id:guid}/accept", Accept).WithName("AcceptLead").Versioned().WithIdempotency().WithSummary("Sales accepts the MQL as SQL; opens the deal");
        leads.MapPost("/{id:guid}/reject", Reject).WithName("RejectLead").Versioned().WithIdempotency().WithSummary("Sales sends the MQL back to marketing (Nurture)");
        leads.MapPost("/{id:guid}/disqualify", Disqualify).WithName("DisqualifyLead").Versioned().WithIdempotency().WithSummary("Take the lead out of the funnel");
        leads.MapPost("/{id:guid}/merge", Merge).WithName("MergeLead").WithIdempotency().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Merge this lead (a duplicate of one person) into intoLeadId: its history, activities, events, handovers and deal move to the survivor, and its id answers GET with the survivor (header Leadgate-Merged-Into); answers the survivor");
        api.MapPost("/companies/{id:guid}/merge", MergeCompany).WithName("MergeCompany").WithTags("Leads").WithIdempotency()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Merge this company (a duplicate) into intoCompanyId: its leads move to the survivor, which fills its empty domain, industry, size and country from it; audited; answers the survivor and how many leads moved");
        leads.MapPost("/{id:guid}/assign", Assign).WithName("AssignLead").Versioned().WithIdempotency().WithSummary("Give the lead an owner");
        return api;
    }

    private static async Task<Results<Created<LeadDetails>, Ok<LeadDetails>, ProblemHttpResult>> Create(
        CreateLeadRequest request, CreateLead handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        var lead = result.Value.Lead;
        http.Response.SetETag(lead.Version);
        return result.Value.Created ? TypedResults.Created($"/api/v1/leads/{lead.Id}", lead) : TypedResults.Ok(lead);
    }

    private static async Task<Results<Ok<LeadPage>, ProblemHttpResult>> List(
        ListLeads handler, HttpContext http, CancellationToken cancellationToken,
        Stage[]? stage = null, Guid? ownerId = null, bool unassigned = false, string? q = null, string? cursor = null, [Range(1, ListLeads.MaxLimit)] int limit = 50,
        LeadSort sort = LeadSort.CreatedAt, decimal? minFit = null, decimal? minEngagement = null, string? sourceStage = null, [Range(0d, 1d)] double? minLikelihood = null,
        bool agency = false)
    {
        var request = new ListLeadsRequest
        {
            Stages = stage, OwnerId = ownerId, Unassigned = unassigned, Text = q, Cursor = cursor, Limit = limit,
            Sort = sort, MinFit = minFit, MinEngagement = minEngagement, SourceStage = sourceStage, MinLikelihood = minLikelihood,
            FromAgency = agency,
        };
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static Task<Results<Ok<LeadDetails>, ProblemHttpResult>> Get(Guid id, GetLead handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ReadAsync(http, async actor =>
        {
            var lead = await handler.HandleAsync(id, actor, cancellationToken);
            if (lead.Error is null && lead.Value.Id != id)
            {
                http.Response.Headers[MergedIntoHeader] = lead.Value.Id.ToString();
            }

            return lead;
        }, lead => lead.Version);

    /// <summary>On GET of a merged lead: the id of the lead it survives in, whose answer this is.</summary>
    public const string MergedIntoHeader = "Leadgate-Merged-Into";

    private static async Task<Results<Ok<LeadDetails>, ProblemHttpResult>> Merge(
        Guid id, MergeLeadRequest request, MergeLead merge, GetLead handler, HttpContext http, CancellationToken cancellationToken)
    {
        var merged = await merge.HandleAsync(id, request, http.Actor(), cancellationToken);
        if (merged.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        var survivor = await handler.HandleAsync(merged.Value, http.Actor(), cancellationToken);
        return survivor.Error is { } missing ? Problems.ToResult(missing) : TypedResults.Ok(survivor.Value);
    }

    private static async Task<Results<Ok<MergedCompany>, ProblemHttpResult>> MergeCompany(
        Guid id, MergeCompanyRequest request, MergeCompany merge, HttpContext http, CancellationToken cancellationToken)
    {
        var merged = await merge.HandleAsync(id, request, http.Actor(), cancellationToken);
        return merged.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(merged.Value);
    }

    private static async Task<Results<Ok<LeadDetails>, ProblemHttpResult>> Update(
        Guid id, UpdateLead handler, IOptions<JsonOptions> json, HttpContext http, CancellationToken cancellationToken)
    {
        if (!http.Request.HasJsonContentType())
        {
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the fields to change as application/merge-patch+json or application/json.");
        }

        // Read here, not bound: a merge patch must know which fields were sent, and the document describes the body
        // from the Accepts metadata (UpdateLeadRequest), not as free-form JSON.
        var request = ReadPatch(await ReadBodyAsync(http.Request, cancellationToken), json.Value.SerializerOptions);
        if (request.Error is { } invalid)
        {
            return Problems.ToResult(invalid);
        }

        return await ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request.Value, expected, actor, cancellationToken), lead => lead.Version);
    }

    private static Task<Results<Ok<LeadDetails>, ProblemHttpResult>> MarkMql(
        Guid id, MarkMqlRequest request, MarkMql handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), lead => lead.Version);

    private static async Task<Results<Created<ActivityView>, ProblemHttpResult>> LogActivity(
        Guid id, LogActivityRequest request, LogActivity handler, HttpContext http, CancellationToken cancellationToken)
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

        http.Response.SetETag(result.Value.Lead.Version);
        return TypedResults.Created($"/api/v1/leads/{id}/activities/{result.Value.Activity.Id}", result.Value.Activity);
    }

    private static async Task<Results<Ok<ActivityView>, ProblemHttpResult>> GetActivity(
        Guid id, Guid activityId, GetLead handler, HttpContext http, CancellationToken cancellationToken)
    {
        var lead = await handler.HandleAsync(id, http.Actor(), cancellationToken);
        if (lead.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        return lead.Value.Activities.FirstOrDefault(a => a.Id == activityId) is { } activity
            ? TypedResults.Ok(activity)
            : Problems.ToResult(new Common.NotFound("Activity", activityId));
    }

    private static Task<Results<Ok<LeadDetails>, ProblemHttpResult>> RecordBant(
        Guid id, RecordBantRequest request, RecordBant handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), lead => lead.Version);

    private static Task<Results<Ok<LeadDetails>, ProblemHttpResult>> Accept(
        Guid id, AcceptLeadRequest request, AcceptLead handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), lead => lead.Version);

    private static Task<Results<Ok<LeadDetails>, ProblemHttpResult>> Reject(
        Guid id, RejectLeadRequest request, RejectLead handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), lead => lead.Version);

    private static Task<Results<Ok<LeadDetails>, ProblemHttpResult>> Disqualify(
        Guid id, DisqualifyLeadRequest request, DisqualifyLead handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), lead => lead.Version);

    private static Task<Results<Ok<LeadDetails>, ProblemHttpResult>> Assign(
        Guid id, AssignLeadRequest request, AssignLead handler, HttpContext http, CancellationToken cancellationToken) =>
        ApiEndpoints.ChangeAsync(http, (expected, actor) => handler.HandleAsync(id, request, expected, actor, cancellationToken), lead => lead.Version);

    /// <summary>A merge patch: the request, plus which fields were actually sent (a sent null clears a field).</summary>
    private static async Task<Result<JsonElement>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            return Invalid.Field(JsonErrors.FieldOf(exception), JsonErrors.Explain(exception));
        }
    }

    private static Result<UpdateLeadRequest> ReadPatch(Result<JsonElement> read, JsonSerializerOptions options)
    {
        if (read.Error is { } unreadable)
        {
            return unreadable;
        }

        var body = read.Value;
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Invalid.Field("body", "Send a JSON object with the fields to change.");
        }

        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            sent.Add(property.Name);
            if (property.Name == "company" && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var inner in property.Value.EnumerateObject())
                {
                    sent.Add("company." + inner.Name);
                }
            }
        }

        try
        {
            var request = body.Deserialize<UpdateLeadRequest>(options) ?? new UpdateLeadRequest();
            return request with { Sent = sent };
        }
        catch (JsonException exception)
        {
            return Invalid.Field(JsonErrors.FieldOf(exception), JsonErrors.Explain(exception));
        }
    }
}
