using System.ComponentModel.DataAnnotations;
using Leadgate.Common;
using Leadgate.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>A person's export and erasure, and the audit log (docs/privacy.md). Admin only.</summary>
public static class PrivacyApi
{
    public static RouteGroupBuilder MapPrivacy(this RouteGroupBuilder api)
    {
        var privacy = api.MapGroup("/privacy").WithTags("Privacy");
        privacy.MapPost("/erasures", Erase).WithName("ErasePerson").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Erase a person by email or leadId (admin): their personal data goes, their leads stay anonymous in the funnel, and their address is suppressed; answers what was erased, as counts");
        privacy.MapGet("/people", Export).WithName("ExportPerson").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Everything held about one person, by e-mail address (admin): contact, company, leads with history, activities, BANT, events, handovers, deals, consents; recorded in the audit log");

        api.MapGet("/audit", Audit).WithName("ListAuditEntries").WithTags("Privacy")
            .WithSummary("The audit log, newest first (admin): who did what to which record and when, with the names of the fields changed, never their values; filters entity, entityId, actor, from, to, and a cursor");
        var retention = api.MapGroup("/settings/retention").WithTags("Settings");
        retention.MapGet("/", GetRetention).WithName("GetRetention")
            .WithSummary("The retention rules: months without activity after which Disqualified, Nurture and never-qualified IQL leads are anonymised (null: off), and when the last sweep finished");
        retention.MapPut("/", ChangeRetention).WithName("ChangeRetention")
            .WithSummary("Replace the retention rules (admin); the change is recorded in the audit log");
        retention.MapPost("/dry-run", DryRunRetention).WithName("DryRunRetention")
            .WithSummary("What the retention rules (the saved ones, or the ones sent) would anonymise now (admin): per rule the count and the lead ids, never personal data; changes nothing");
        return api;
    }

    private static async Task<Ok<RetentionSettings>> GetRetention(GetRetention handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Ok<RetentionSettings>, ProblemHttpResult>> ChangeRetention(RetentionRules rules, ChangeRetention handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(rules, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<RetentionRun>, ProblemHttpResult>> DryRunRetention(DryRunRetention handler, HttpContext http, CancellationToken cancellationToken, RetentionRules? rules = null) =>
        Answer(await handler.HandleAsync(rules, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<PersonExport>, ProblemHttpResult>> Export(string email, ExportPerson handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(email, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> Audit(
        ListAudit handler, HttpContext http, CancellationToken cancellationToken, string? entity = null, Guid? entityId = null, string? actor = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? cursor = null, [Range(1, AuditQuery.MaxLimit)] int limit = 50) =>
        Answer(await handler.HandleAsync(new AuditQuery { Entity = entity, EntityId = entityId, Actor = actor, From = from, To = to, Cursor = cursor, Limit = limit }, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<Erasure>, ProblemHttpResult>> Erase(ErasureRequest request, ErasePerson handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(request, http.Actor(), cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
}
