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
        return api;
    }

    private static async Task<Results<Ok<Erasure>, ProblemHttpResult>> Erase(ErasureRequest request, ErasePerson handler, HttpContext http, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(request, http.Actor(), cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
}
