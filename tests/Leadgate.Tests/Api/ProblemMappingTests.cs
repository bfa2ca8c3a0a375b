using System.Runtime.CompilerServices;
using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Web.Api;
using Microsoft.AspNetCore.Http;

namespace Leadgate.Tests.Api;

/// <summary>Every kind of business error has its own problem type and status; none falls through to a 500.</summary>
public sealed class ProblemMappingTests
{
    public static TheoryData<Error, int, string> Errors => new()
    {
        { new NotFound("Lead", Guid.Empty), StatusCodes.Status404NotFound, "not-found" },
        { new NotAuthentic("no"), StatusCodes.Status401Unauthorized, "unauthorized" },
        { new Forbidden("no"), StatusCodes.Status403Forbidden, "forbidden" },
        { Invalid.Field("email", "bad"), StatusCodes.Status400BadRequest, "validation" },
        { new TransitionNotAllowed(LeadAction.Accept, Stage.Iql, Stage.Sql), StatusCodes.Status409Conflict, "transition-not-allowed/iql-to-sql" },
        { new RequirementsMissing(Stage.Mql, Stage.Sql, [Requirement.TwoWayConversation]), StatusCodes.Status409Conflict, "transition-requirements-missing" },
        { new Conflict("x", "y"), StatusCodes.Status409Conflict, "conflict" },
        { new PreconditionFailed(3), StatusCodes.Status412PreconditionFailed, "precondition-failed" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void EachError_MapsToItsOwnProblem(Error error, int status, string type)
    {
        var problem = Problems.ToResult(error).ProblemDetails;

        Assert.Equal(status, problem.Status);
        Assert.Equal(Problems.TypeBase + type, problem.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
    }

    [Fact]
    public void EveryErrorTypeOfTheCore_HasAMapping()
    {
        var kinds = typeof(Error).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Error)) && !t.IsAbstract).ToList();

        Assert.NotEmpty(kinds);
        foreach (var kind in kinds)
        {
            // An instance with default members is enough to reach the mapping's case for its type.
            var error = (Error)RuntimeHelpers.GetUninitializedObject(kind);
            var exception = Record.Exception(() => Problems.ToResult(error));
            var unmapped = exception is InvalidOperationException invalid && invalid.Message.StartsWith("No problem mapping", StringComparison.Ordinal);
            Assert.False(unmapped, $"{kind.Name} has no problem mapping in Api/Problems.cs.");
        }
    }
}
