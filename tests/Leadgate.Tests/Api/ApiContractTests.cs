using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>
/// The requests an outside integrator sent by hand (issue 15, "What was found"): each is a 400 problem naming the field or
/// parameter, never a 500, and nothing outside an enum is stored. The rules themselves are in docs/api.md.
/// </summary>
public sealed class ApiContractTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static JsonObject Problem(ApiResponse answer, HttpStatusCode status, string type)
    {
        answer.Expect(status);
        Assert.Equal("application/problem+json", answer.Message.Content.Headers.ContentType?.MediaType);
        var problem = answer.Body!.AsObject();
        Assert.Equal("https://leadgate.dev/problems/" + type, (string?)problem["type"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), answer.Text);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["traceId"]), answer.Text);
        return problem;
    }

    private static string[] Fields(ApiResponse answer) =>
        [.. Problem(answer, HttpStatusCode.BadRequest, "validation")["errors"]!.AsObject().Select(e => e.Key)];

    [Theory]
    [InlineData("""{"\ud800":1}""", "(a name)")]
    [InlineData("""{"company":{"\udc00x":"Acme"}}""", "company.(a name)")]
    [InlineData("""{"jobTitle":"CEO \ud800"}""", "jobTitle")]
    public async Task ALoneSurrogate_InAPatch_IsA400NamingTheField(string body, string field)
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Marketing.NewLeadAsync();
        var etag = (await tenant.Marketing.GetLeadAsync(lead)).ETag;

        var answer = await tenant.Marketing.SendAsync(HttpMethod.Patch, $"/api/v1/leads/{lead}", ifMatch: etag, rawJson: body);

        Assert.Equal([field], Fields(answer));
        Assert.Equal(etag, (await tenant.Marketing.GetLeadAsync(lead)).ETag);
    }

    [Theory]
    [InlineData("""{"\ud800":"x"}""")]
    [InlineData("""{"page":"\udfff"}""")]
    public async Task ALoneSurrogate_InAnEventsProperties_IsA400NamingTheEvent(string properties)
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Marketing.NewLeadAsync();
        var body = $$"""{"events":[{"externalId":"e1","type":"PageVisit","leadId":"{{lead}}","occurredAt":"{{app.Clock.GetUtcNow():O}}","properties":{{properties}}}]}""";

        var answer = await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/events", rawJson: body);

        Assert.StartsWith("events[0].properties", Assert.Single(Fields(answer)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_OfOneRole_AreListed_AndAnUnknownRoleIsA400NamingIt()
    {
        var tenant = await app.NewTenantAsync();

        var sales = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/users?role=sales")).Expect(HttpStatusCode.OK).Body!.AsArray();
        Assert.NotEmpty(sales);
        Assert.All(sales, u => Assert.Contains("Sales", u!["roles"]!.AsArray().Select(r => (string)r!)));
        var refused = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/users?role=King")).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(refused.Body!["errors"]!["role"]);
    }

    [Fact]
    public async Task BytesThatAreNotUtf8_InAPropertyName_AreA400()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Marketing.NewLeadAsync();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/leads/{lead}")
        {
            Content = new ByteArrayContent([.. "{\""u8, 0xC3, 0x28, 0xFF, .. " a\":1}"u8]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        request.Headers.TryAddWithoutValidation("If-Match", (await tenant.Marketing.GetLeadAsync(lead)).ETag);

        var answer = await tenant.Marketing.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("problems/validation", await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":99,"direction":"Outbound","outcome":"Connected"}""", "type")]
    [InlineData("""{"type":"Call","direction":7,"outcome":"Connected"}""", "direction")]
    [InlineData("""{"type":"Call","direction":"Outbound","outcome":"1"}""", "outcome")]
    [InlineData("""{"type":"Call,Email","direction":"Outbound"}""", "type")]
    [InlineData("""{"type":" Call","direction":"Outbound"}""", "type")]
    [InlineData("""{"type":"Call","direction":"Outbound","mood":"happy"}""", "mood")]
    public async Task AnActivity_WithANumberOrAnUnknownNameForAnEnum_OrAnUnknownField_IsRefusedAndNotStored(string body, string field)
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(lead)).Expect(HttpStatusCode.OK);

        var answer = await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/activities", rawJson: body);

        Assert.Equal([field], Fields(answer));
        Assert.Empty((await tenant.Sales.GetLeadAsync(lead)).Body!["activities"]!.AsArray());
    }

    [Fact]
    public async Task EnumNames_AreReadInAnyCase_AndWrittenInTheirOwn()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(lead)).Expect(HttpStatusCode.OK);

        var logged = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/activities", rawJson: """{"type":"call","direction":"OUTBOUND","outcome":"connected"}"""))
            .Expect(HttpStatusCode.Created);

        Assert.Equal(("Call", "Outbound", "Connected"), ((string?)logged.Body!["type"], (string?)logged.Body["direction"], (string?)logged.Body["outcome"]));
    }

    [Fact]
    public async Task ABantStatusThatIsANumber_IsRefusedNamingIt_AndTheLeadKeepsItsAssessment()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(lead)).Expect(HttpStatusCode.OK);
        var before = (await tenant.Sales.GetLeadAsync(lead)).Body!["bant"]?.ToJsonString();

        var answer = await tenant.Sales.SendAsync(HttpMethod.Put, $"/api/v1/leads/{lead}/bant", rawJson: """
            {"budget":{"status":99},"authority":{"status":"Unknown"},"need":{"status":"Confirmed"},"timeline":{"status":"Unknown"}}
            """);

        Assert.Equal(["budget.status"], Fields(answer));
        Assert.Equal(before, (await tenant.Sales.GetLeadAsync(lead)).Body!["bant"]?.ToJsonString());
    }

    [Fact]
    public async Task ALostDeal_WithANumberForWhatHappensNext_IsRefused_AndTheDealStaysOpen()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var deal = (await tenant.Sales.AcceptAsync(lead)).Expect(HttpStatusCode.OK).Str("dealId")!;

        var answer = await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{deal}/lost", rawJson: """{"reason":"Price","then":7}""");

        Assert.Equal(["then"], Fields(answer));
        Assert.Equal("Open", (string?)(await tenant.Sales.GetDealAsync(Guid.Parse(deal))).Body!["status"]);
    }

    [Fact]
    public async Task Stages_AreRepeatedNotJoined_AndNeverANumber()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.Marketing.NewLeadAsync();
        var mql = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(mql)).Expect(HttpStatusCode.OK);
        var sql = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        (await tenant.Sales.AcceptAsync(sql)).Expect(HttpStatusCode.OK);
        var opportunity = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        var deal = (await tenant.Sales.AcceptAsync(opportunity)).Expect(HttpStatusCode.OK).Str("dealId")!;
        (await tenant.Sales.ProposalAsync(Guid.Parse(deal))).Expect(HttpStatusCode.OK);

        var both = (await tenant.Manager.ListLeadsAsync("?stage=Mql&stage=sql")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();

        Assert.Equal(["Mql", "Sql"], both.Select(l => (string)l!["stage"]!).Order(StringComparer.Ordinal));
        Assert.Equal(["stage"], Fields(await tenant.Manager.ListLeadsAsync("?stage=Mql,Sql")));
        Assert.Equal(["stage"], Fields(await tenant.Manager.ListLeadsAsync("?stage=1")));
        Assert.Equal(["sort"], Fields(await tenant.Manager.ListLeadsAsync("?sort=2")));
    }

    [Theory]
    [InlineData("/api/v1/leads?limit=0", "limit")]
    [InlineData("/api/v1/leads?limit=201", "limit")]
    [InlineData("/api/v1/inbox?limit=501", "limit")]
    [InlineData("/api/v1/notifications?limit=201", "limit")]
    [InlineData("/api/v1/sql-priority?limit=0", "limit")]
    [InlineData("/api/v1/feedback?limit=501", "limit")]
    [InlineData("/api/v1/leads?limit=ten", "limit")]
    [InlineData("/api/v1/leads?ownerId=nobody", "ownerId")]
    [InlineData("/api/v1/leads?minFit=high", "minFit")]
    public async Task AQueryValueOutOfBoundsOrOfTheWrongForm_IsA400NamingTheParameter_NotAClampOrATypeName(string path, string parameter)
    {
        var tenant = await app.NewTenantAsync();

        var answer = await tenant.Manager.SendAsync(HttpMethod.Get, path);

        Assert.Equal([parameter], Fields(answer));
        Assert.DoesNotContain("Int32", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Guid", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFields_OnACreate_AreRefusedNamingThem_AndNothingIsCreated()
    {
        var tenant = await app.NewTenantAsync();

        var answer = await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/leads", rawJson: """{"email":"new@acme.example.com","nickname":"Jo"}""");

        Assert.Equal(["nickname"], Fields(answer));
        Assert.Empty((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task AnEmptyBody_IsA400AskingForAJsonObject()
    {
        var tenant = await app.NewTenantAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/leads") { Content = new StringContent("", Encoding.UTF8, "application/json") };

        var answer = await tenant.Marketing.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("body", problem["errors"]!.AsObject().Single().Key);
        Assert.Contains("JSON", (string)problem["errors"]!["body"]![0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMegabytePropertyName_IsRefused_WithoutBeingEchoedBack()
    {
        var tenant = await app.NewTenantAsync();
        var name = new string('n', 1_000_000);

        var answer = await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/leads", rawJson: $$"""{"{{name}}":1}""");

        var field = Assert.Single(Fields(answer));
        Assert.True(answer.Text.Length < 2_000, $"The answer is {answer.Text.Length} characters long.");
        Assert.StartsWith("nnnn", field, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatTheHostAnswersOnItsOwn_IsAProblemOfOurs_WithADetailAndATraceId()
    {
        var tenant = await app.NewTenantAsync();

        // Neither path nor method is in the document, so the response validator has nothing to hold them to.
        using (ResponseContract.Suspend())
        {
            Problem(await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/no-such-thing"), HttpStatusCode.NotFound, "not-found");
            Problem(await tenant.Manager.SendAsync(HttpMethod.Delete, "/api/v1/leads"), HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        }

        using var text = new HttpRequestMessage(HttpMethod.Post, "/api/v1/leads") { Content = new StringContent("email=a@b.example.com", Encoding.UTF8, "text/plain") };
        var unsupported = await tenant.Marketing.Http.SendAsync(text, TestContext.Current.CancellationToken);
        Problem(new ApiResponse(unsupported.StatusCode, JsonNode.Parse(await unsupported.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), unsupported),
            HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

        var anonymous = app.CreateClient();
        var unauthorised = await anonymous.GetAsync("/api/v1/leads", TestContext.Current.CancellationToken);
        Problem(new ApiResponse(unauthorised.StatusCode, JsonNode.Parse(await unauthorised.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), unauthorised),
            HttpStatusCode.Unauthorized, "unauthorized");
    }
}
