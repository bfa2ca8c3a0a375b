using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Qualification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

public sealed record MeView(Guid UserId, Guid OrganisationId, string DisplayName, IReadOnlyList<string> Roles);

public sealed record CreateApiKeyRequest
{
    [Required]
    [MaxLength(100)]
    public string? Name { get; set; }
}

/// <summary>Who am I, who are my colleagues, which reasons exist, and my API keys.</summary>
public static class DirectoryApi
{
    public static RouteGroupBuilder MapDirectory(this RouteGroupBuilder api)
    {
        api.MapGet("/me", Me).WithName("GetMe").WithTags("Directory").WithSummary("The calling user");
        api.MapGet("/organisation", Organisation).WithName("GetOrganisation").WithTags("Directory").WithSummary("Your organisation: currency, time zone, BANT minimum for SQL");
        api.MapGet("/users", Users).WithName("ListUsers").WithTags("Directory").WithSummary("The organisation's users, optionally of one role");
        api.MapGet("/reasons", Reasons).WithName("ListReasons").WithTags("Directory").WithSummary("The organisation's rejection, disqualification and lost reasons");
        var keys = api.MapGroup("/api-keys").WithTags("API keys");
        keys.MapGet("/", ListKeys).WithName("ListApiKeys").WithSummary("Your API keys (never their secrets)");
        keys.MapPost("/", CreateKey).WithName("CreateApiKey").WithIdempotency().WithSummary("Create an API key; the secret is in this answer only");
        keys.MapDelete("/{id:guid}", RevokeKey).WithName("RevokeApiKey").WithSummary("Revoke an API key");
        return api;
    }

    private static Ok<MeView> Me(HttpContext http)
    {
        var actor = http.Actor();
        return TypedResults.Ok(new MeView(actor.UserId!.Value, actor.OrganisationId, actor.Name, [.. actor.Roles.Order(StringComparer.Ordinal)]));
    }

    private static async Task<Results<Ok<OrganisationSettingsView>, ProblemHttpResult>> Organisation(GetOrganisation handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Ok<IReadOnlyList<UserView>>, ProblemHttpResult>> Users(
        ListUsers handler, HttpContext http, CancellationToken cancellationToken, string? role = null)
    {
        if (!string.IsNullOrWhiteSpace(role) && Roles.Normalise(role) is null)
        {
            return Problems.ToResult(Common.Invalid.Field("role", $"One of {string.Join(", ", Roles.All)}."));
        }

        return TypedResults.Ok(await handler.HandleAsync(http.Actor(), Roles.Normalise(role), cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<ReasonView>>> Reasons(ListReasons handler, HttpContext http, CancellationToken cancellationToken, ReasonKind? kind = null) =>
        TypedResults.Ok(await handler.HandleAsync(kind, http.Actor(), cancellationToken));

    private static async Task<Ok<IReadOnlyList<ApiKeyView>>> ListKeys(ListApiKeys handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<Created<IssuedApiKey>, ProblemHttpResult>> CreateKey(
        CreateApiKeyRequest request, CreateApiKey handler, HttpContext http, CancellationToken cancellationToken)
    {
        var actor = http.Actor();
        var result = await handler.HandleAsync(actor.OrganisationId, actor.UserId!.Value, request.Name, cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Created($"/api/v1/api-keys/{result.Value.Key.Id}", result.Value);
    }

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> RevokeKey(Guid id, RevokeApiKey handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }
}
