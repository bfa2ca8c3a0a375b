using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>The shared steps of every API endpoint: who is calling, If-Match in, ETag and problems out.</summary>
internal static class ApiEndpoints
{
    public static Actor Actor(this HttpContext http) =>
        http.User.ToActor(Channel.Api) ?? throw new InvalidOperationException("API endpoints require a member of an organisation.");

    /// <summary>Runs a change that answers with a versioned resource: If-Match checked, ETag set, errors as problems.</summary>
    public static async Task<Results<Ok<T>, ProblemHttpResult>> ChangeAsync<T>(
        HttpContext http, Func<long?, Actor, Task<Result<T>>> change, Func<T, long> versionOf)
    {
        var expected = Versions.ExpectedVersion(http.Request);
        if (expected.Error is { } malformed)
        {
            return Problems.ToResult(malformed);
        }

        var result = await change(expected.Value, http.Actor());
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        http.Response.SetETag(versionOf(result.Value));
        return TypedResults.Ok(result.Value);
    }

    /// <summary>Reads a versioned resource and sets its ETag.</summary>
    public static async Task<Results<Ok<T>, ProblemHttpResult>> ReadAsync<T>(HttpContext http, Func<Actor, Task<Result<T>>> read, Func<T, long> versionOf)
    {
        var result = await read(http.Actor());
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        http.Response.SetETag(versionOf(result.Value));
        return TypedResults.Ok(result.Value);
    }
}
