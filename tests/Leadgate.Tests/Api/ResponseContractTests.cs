using System.Net;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>
/// Issue 15, acceptance 5: every API response a test receives through <see cref="TestApp"/>'s clients is checked against
/// the running app's OpenAPI document (<see cref="ResponseContractHandler"/>). These prove the check itself can fail.
/// </summary>
public sealed class ResponseContractTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task AnUndocumentedStatus_IsReported_NamingTheOperationAndStatus()
    {
        var contract = await app.ContractAsync(TestContext.Current.CancellationToken);

        var errors = contract.Check("GET", "/api/v1/leads", 418, [], "application/problem+json", """{"type":"x","title":"teapot","status":418}""");

        Assert.Contains(errors, e => e.Contains("status 418 is not documented for GET /api/v1/leads", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABodyOutsideTheDocumentedSchema_IsReported()
    {
        var contract = await app.ContractAsync(TestContext.Current.CancellationToken);

        // GET /api/v1/leads/{id} answers a lead; an array of numbers is not one.
        var errors = contract.Check("GET", $"/api/v1/leads/{Guid.NewGuid()}", 200, [], "application/json", "[1,2,3]");

        Assert.Contains(errors, e => e.StartsWith("body ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUndocumentedProtocolHeader_AndAnUnknownPath_AreReported()
    {
        var contract = await app.ContractAsync(TestContext.Current.CancellationToken);

        Assert.Contains(contract.Check("GET", "/api/v1/leads", 200, ["Retry-After"], null, ""), e => e.Contains("header Retry-After is sent but not documented", StringComparison.Ordinal));
        Assert.Contains(contract.Check("GET", "/api/v1/no-such-thing", 404, [], null, ""), e => e.Contains("no path matching", StringComparison.Ordinal));
        Assert.Contains(contract.Check("DELETE", "/api/v1/leads", 405, [], null, ""), e => e.Contains("no DELETE operation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheHandler_FailsTheRequest_WhenTheAnswerBreaksTheDocument_UnlessSuspended()
    {
        var tenant = await app.NewTenantAsync();
        using var client = app.ClientFor(tenant.Members["sales"]);

        // No operation answers this path, so its 404 is outside the document.
        var failure = await Assert.ThrowsAsync<ResponseContractException>(() => client.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.Contains("GET /api/v1/no-such-thing answered 404", failure.Message, StringComparison.Ordinal);

        using (ResponseContract.Suspend())
        {
            using var answer = await client.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }
    }

    [Fact]
    public async Task ADocumentedAnswer_Passes()
    {
        var tenant = await app.NewTenantAsync();
        var contract = await app.ContractAsync(TestContext.Current.CancellationToken);
        using var raw = app.CreateDefaultClient();
        raw.DefaultRequestHeaders.Authorization = new("Bearer", tenant.Members["sales"].ApiKey);
        using var answer = await raw.GetAsync(new Uri("/api/v1/leads", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var errors = contract.Check("GET", "/api/v1/leads", (int)answer.StatusCode, answer.Headers.Select(h => h.Key), answer.Content.Headers.ContentType?.MediaType, body);

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }
}

/// <summary>The contract checker on a small document of its own, so each rule is seen failing and passing.</summary>
public sealed class ResponseContractRulesTests
{
    private static readonly ResponseContract Contract = new("""
        {"openapi":"3.1.1","paths":{"/api/things/{id}":{"get":{"responses":{
          "200":{"description":"a thing","headers":{"ETag":{"schema":{"type":"string"}}},
                 "content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}},
          "404":{"description":"none","content":{"application/problem+json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}}}}},
         "components":{"schemas":{
          "Kind":{"type":"string","enum":["Big","Small"]},
          "Loose":{},
          "Thing":{"type":"object","required":["id","kind"],"properties":{"id":{"type":"string"},
            "kind":{"oneOf":[{"type":"null"},{"$ref":"#/components/schemas/Kind"}]},
            "loose":{"oneOf":[{"type":"null"},{"$ref":"#/components/schemas/Loose"}]}}},
          "Problem":{"type":"object","required":["type"],"properties":{"type":{"type":"string"}}}}}}
        """);

    [Fact]
    public void ADocumentedAnswer_HasNoErrors_EvenWhereAOneOfDroppedABranch()
    {
        Assert.Empty(Contract.Check("GET", "/api/things/1", 200, ["ETag"], "application/json", """{"id":"1","kind":"Big"}"""));
        Assert.Empty(Contract.Check("GET", "/api/things/1", 200, [], "application/json", """{"id":"1","kind":null,"loose":"x"}"""));
        Assert.Empty(Contract.Check("GET", "/api/things/1", 404, [], "application/problem+json", """{"type":"t"}"""));
    }

    [Fact]
    public void AValueOutsideItsEnum_AndAOneOfMatchingTwice_AreErrors()
    {
        var outside = Contract.Check("GET", "/api/things/1", 200, [], "application/json", """{"id":"1","kind":"Huge"}""");
        Assert.Contains(outside, e => e.StartsWith("body /kind", StringComparison.Ordinal));

        // An empty schema lets null through too, so null matches both branches of the oneOf.
        var twice = Contract.Check("GET", "/api/things/1", 200, [], "application/json", """{"id":"1","kind":"Big","loose":null}""");
        Assert.Contains(twice, e => e.StartsWith("body /loose", StringComparison.Ordinal) && e.Contains("oneOf", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingRequiredField_AWrongContentType_AndAnUndocumentedHeader_AreErrors()
    {
        Assert.Contains(Contract.Check("GET", "/api/things/1", 200, [], "application/json", """{"id":"1"}"""), e => e.Contains("required", StringComparison.Ordinal));
        Assert.Contains(Contract.Check("GET", "/api/things/1", 404, [], "text/plain", "gone"), e => e.Contains("content type text/plain is not documented", StringComparison.Ordinal));
        Assert.Contains(Contract.Check("GET", "/api/things/1", 404, ["Retry-After"], "application/problem+json", """{"type":"t"}"""), e => e.Contains("header Retry-After is sent but not documented for 404", StringComparison.Ordinal));
    }
}
