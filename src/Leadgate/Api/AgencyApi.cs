using System.ComponentModel.DataAnnotations;
using Leadgate.Agency;
using Leadgate.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>/api/v1/agency: links between an outreach agency and its clients, hand-overs and what became of them (docs/agency.md).</summary>
public static class AgencyApi
{
    public static RouteGroupBuilder MapAgency(this RouteGroupBuilder api)
    {
        var agency = api.MapGroup("/agency").WithTags("Agency");
        agency.MapPost("/links", Invite).WithName("InviteAgencyClient").WithIdempotency()
            .WithSummary("The agency's admin invites a client organisation by clientSlug or clientAdminEmail: a pending link");
        agency.MapGet("/links", ListLinks).WithName("ListAgencyLinks")
            .WithSummary("The caller's links, as agency and as client, with status (Pending, Active, Ended) and what the client shares");
        agency.MapPost("/links/{id:guid}/accept", Accept).WithName("AcceptAgencyLink").WithIdempotency()
            .WithSummary("The client's admin accepts the link (or changes its terms): what the agency sees back (shares) and where its leads go (routing, team, responseHours)");
        agency.MapDelete("/links/{id:guid}", End).WithName("EndAgencyLink")
            .WithSummary("Either side's admin ends the link; what was handed over stays with the client and the history is kept");
        agency.MapGet("/links/{id:guid}/scorecard", Scorecard).WithName("GetAgencyScorecard")
            .WithSummary("The agency's scorecard for one client over [from, to): handed over, first touched, accepted as SQL (rate), won, time to first touch; won value where shared");
        agency.MapGet("/handovers", Handovers).WithName("ListAgencyHandovers")
            .WithSummary("The agency's handed-over leads, newest first: status, the client's stage, first touch and acceptance; reason and amounts only where the link shares them");
        agency.MapGet("/campaign-rules", GetCampaignRules).WithName("GetAgencyCampaignRules")
            .WithSummary("The agency's campaign rules: each campaign's replies are handed over automatically to one client (admin or manager)");
        agency.MapPut("/campaign-rules", ChangeCampaignRules).WithName("ChangeAgencyCampaignRules")
            .WithSummary("Replace the agency's campaign rules (campaign, linkId of an active link, note; one rule per campaign, case-insensitive); the sweep hands over the replies already waiting too (admin or manager)");
        api.MapPost("/leads/{id:guid}/hand-over", HandOver).WithName("HandOverLead").WithTags("Agency", "Leads").WithIdempotency()
            .WithSummary("The agency hands an MQL to a client over an active link: Delivered (an MQL at the client) or AlreadyKnown (the client has the person; nothing more is shown)");
        return api;
    }

    private static async Task<Results<Created<AgencyLinkView>, ProblemHttpResult>> Invite(
        InviteClientRequest request, InviteClient handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Created($"/api/v1/agency/links/{result.Value.Id}", result.Value);
    }

    private static async Task<Ok<IReadOnlyList<AgencyLinkView>>> ListLinks(ListAgencyLinks handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Ok<AgencyLinkView>, ProblemHttpResult>> Accept(
        Guid id, AcceptAgencyLinkRequest request, AcceptAgencyLink handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(id, request, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<AgencyLinkView>, ProblemHttpResult>> End(Guid id, EndAgencyLink handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(id, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<Scorecard>, ProblemHttpResult>> Scorecard(
        Guid id, GetScorecard handler, HttpContext http, CancellationToken cancellationToken, DateOnly? from = null, DateOnly? to = null) =>
        Answer(await handler.HandleAsync(id, from, to, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<HandoverPage>, ProblemHttpResult>> Handovers(
        ListHandovers handler, HttpContext http, CancellationToken cancellationToken,
        Guid? linkId = null, HandoverStatus? status = null, string? cursor = null, [Range(1, ListHandoversRequest.MaxLimit)] int limit = 50) =>
        Answer(await handler.HandleAsync(new ListHandoversRequest { LinkId = linkId, Status = status, Cursor = cursor, Limit = limit }, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<HandoverReceipt>, ProblemHttpResult>> HandOver(
        Guid id, HandOverLeadRequest request, HandOverLead handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(id, request, http.Actor(), cancellationToken));

    private static async Task<Results<Ok<CampaignRules>, ProblemHttpResult>> GetCampaignRules(GetCampaignRules handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Ok<CampaignRules>, ProblemHttpResult>> ChangeCampaignRules(
        ChangeCampaignRulesRequest request, ChangeCampaignRules handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(request, http.Actor(), cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
}
