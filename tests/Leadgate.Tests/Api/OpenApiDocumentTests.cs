using System.Text.Json.Nodes;
using Leadgate.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>
/// The rules of docs/api.md, "The document", checked on the running app's document: the parts a generated client or a
/// linter would not name precisely (the linters and the typed client are their own tests).
/// </summary>
public sealed class OpenApiDocumentTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private async Task<JsonObject> DocumentAsync()
    {
        using var client = app.CreateClient();
        return JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!.AsObject();
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(o => o.Key is "get" or "post" or "put" or "patch" or "delete")
            .Select(o => (path.Key, o.Key, o.Value!.AsObject())));

    [Fact]
    public void EveryApiEndpoint_IsNamedInTheCode_AndNoNameIsGivenTwice()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/forms/", StringComparison.Ordinal) || raw.StartsWith("/hooks/", StringComparison.Ordinal)))
            .ToList();

        Assert.True(endpoints.Count >= 50, $"Only {endpoints.Count} endpoints were found.");
        var unnamed = endpoints.Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is null).Select(e => e.RoutePattern.RawText).ToList();
        Assert.True(unnamed.Count == 0, "Give these endpoints a name (.WithName): " + string.Join(", ", unnamed));
        var names = endpoints.Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task EveryOperation_HasAnOperationId_AndDescribesItsErrorsAsProblems()
    {
        var document = await DocumentAsync();

        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 50);
        Assert.Equal(operations.Count, operations.Select(o => (string?)o.Operation["operationId"]).OfType<string>().Distinct(StringComparer.Ordinal).Count());
        foreach (var (path, method, operation) in operations)
        {
            var responses = operation["responses"]!.AsObject();
            var errors = responses.Where(r => r.Key[0] is '4' or '5').ToList();
            Assert.True(responses.ContainsKey("500"), $"{method} {path} does not describe 500.");
            Assert.All(errors, e => Assert.Equal("#/components/schemas/Problem", (string?)e.Value!["content"]!["application/problem+json"]!["schema"]!["$ref"]));
            var isPublic = operation["security"] is JsonArray { Count: 0 };
            Assert.True(isPublic || responses.ContainsKey("401"), $"{method} {path} needs a key but does not describe 401.");
            Assert.True(isPublic == !path.StartsWith("/api/", StringComparison.Ordinal), $"{method} {path}: only the form and webhook operations are public.");
            if (path.Contains('{', StringComparison.Ordinal))
            {
                Assert.True(responses.ContainsKey("404"), $"{method} {path} names a resource but does not describe 404.");
            }

            var headers = (operation["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "header").Select(p => (string)p!["name"]!).ToList();
            if (headers.Contains("If-Match"))
            {
                Assert.True(responses.ContainsKey("412"), $"{method} {path} takes If-Match but does not describe 412.");
                Assert.NotNull(responses.First(r => r.Key[0] == '2').Value!["headers"]?["ETag"]);
            }

            if (headers.Contains("Idempotency-Key"))
            {
                Assert.True(responses.ContainsKey("422"), $"{method} {path} takes an Idempotency-Key but does not describe 422.");
            }
        }
    }

    [Fact]
    public async Task TheWriteProtocol_IsOnTheOperationsThatUseIt()
    {
        var document = await DocumentAsync();
        var byId = Operations(document).ToDictionary(o => (string)o.Operation["operationId"]!, o => o.Operation);

        string[] Headers(string id) => [.. (byId[id]["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "header").Select(p => (string)p!["name"]!)];

        Assert.Contains("If-Match", Headers("UpdateLead"));
        Assert.Contains("If-Match", Headers("MarkDealWon"));
        Assert.Contains("Idempotency-Key", Headers("CreateLead"));
        Assert.Contains("Idempotency-Key", Headers("AcceptLead"));
        Assert.NotNull(byId["CreateLead"]["responses"]!["201"]!["headers"]!["Location"]);
        Assert.NotNull(byId["CreateLead"]["responses"]!["201"]!["headers"]!["Idempotent-Replayed"]);
        Assert.NotNull(byId["GetLead"]["responses"]!["200"]!["headers"]!["ETag"]);
        Assert.NotNull(byId["SubmitWebForm"]["responses"]!["429"]!["headers"]!["Retry-After"]);
        Assert.Equal("#/components/schemas/UpdateLeadRequest", (string?)byId["UpdateLead"]["requestBody"]!["content"]!["application/merge-patch+json"]!["schema"]!["$ref"]);
        Assert.NotNull(byId["ImportLeads"]["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!["properties"]!["file"]);
        Assert.NotNull(byId["SubmitWebForm"]["requestBody"]!["content"]!["application/x-www-form-urlencoded"]);
        var limit = byId["ListLeads"]["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "limit")!["schema"]!;
        Assert.Equal((1, 200), ((int)limit["minimum"]!, (int)limit["maximum"]!));
    }

    [Fact]
    public async Task Schemas_FollowOneConvention_EnumsAreStringsWithoutNull_MoneyIsDecimal_AndRequiredIsNotNullable()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();

        Assert.DoesNotContain(schemas, s => s.Key.EndsWith("View", StringComparison.Ordinal) || s.Key.EndsWith("Details", StringComparison.Ordinal)
            || s.Key.EndsWith("Input", StringComparison.Ordinal) || s.Key is "JsonElement" or "IFormFile");
        foreach (var (name, schema) in schemas)
        {
            if (schema!["enum"] is JsonArray members)
            {
                Assert.Equal("string", (string?)schema["type"]);
                Assert.DoesNotContain(members, m => m is null);
            }

            if (name.EndsWith("Request", StringComparison.Ordinal) && schema["required"] is JsonArray required)
            {
                foreach (var field in required.Select(r => (string)r!))
                {
                    var property = schema["properties"]![field]!;
                    Assert.False(property["type"] is JsonArray types && types.Any(t => (string?)t == "null"), $"{name}.{field} is required but nullable.");
                    Assert.False(property["oneOf"] is JsonArray options && options.Any(o => (string?)o!["type"] == "null"), $"{name}.{field} is required but nullable.");
                }
            }
        }

        Assert.Equal("decimal", (string?)schemas["Deal"]!["properties"]!["value"]!["format"]);
        Assert.Equal("#/components/schemas/ActivityOutcome", (string?)schemas["Activity"]!["properties"]!["outcome"]!["oneOf"]![1]!["$ref"]);
        Assert.Contains(schemas["Stage"]!["enum"]!.AsArray(), m => (string?)m == "Mql");

        // What POST /events refuses without is required in its schema, and a type is one of the behaviour types.
        Assert.Equal(["events"], schemas["RecordEventsRequest"]!["required"]!.AsArray().Select(r => (string)r!));
        var @event = schemas["EventRequest"]!;
        Assert.Equal(["externalId", "occurredAt", "type"], @event["required"]!.AsArray().Select(r => (string)r!).Order(StringComparer.Ordinal));
        Assert.Equal(Enum.GetNames<Leadgate.Scoring.BehaviourType>(), @event["properties"]!["type"]!["enum"]!.AsArray().Select(m => (string)m!));
    }
}
