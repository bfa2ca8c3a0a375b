using System.Net;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Issue 16: objections raised on a deal and how they were answered.</summary>
public abstract class ObjectionsApiTests(TestApp app)
{
    [Fact]
    public async Task AnObjection_IsRecordedOnTheDeal_ThenAnswered_WithWhoAndWhen()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        var read = await tenant.Sales.GetDealAsync(dealId);
        Assert.Empty(read.Body!["objections"]!.AsArray());

        var raised = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/objections",
            new { category = "Price", text = "  Twice what the incumbent charges  " }, read.ETag, idempotencyKey: "objection-1")).Expect(HttpStatusCode.Created);
        var again = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/objections",
            new { category = "Price", text = "  Twice what the incumbent charges  " }, read.ETag, idempotencyKey: "objection-1")).Expect(HttpStatusCode.Created);

        var objectionId = raised.Str("id")!;
        Assert.Equal(objectionId, again.Str("id"));
        Assert.NotEqual(read.ETag, raised.ETag);
        var objection = Assert.Single(raised.Body!["deal"]!["objections"]!.AsArray())!;
        Assert.Equal(("Price", "Twice what the incumbent charges", false), ((string)objection["category"]!, (string)objection["text"]!, (bool)objection["answered"]!));
        Assert.Null(objection["answer"]);
        Assert.InRange((DateTimeOffset)objection["raisedAt"]!, app.Clock.GetUtcNow().AddMinutes(-1), app.Clock.GetUtcNow());

        // The version read before the objection no longer holds.
        (await AnswerAsync(tenant, dealId, objectionId, new { answer = "Three-year total cost is lower" }, read.ETag)).Expect(HttpStatusCode.PreconditionFailed);
        var answered = (await AnswerAsync(tenant, dealId, objectionId, new { answer = "Three-year total cost is lower" }, raised.ETag)).Expect(HttpStatusCode.OK);

        var after = (await tenant.Sales.GetDealAsync(dealId)).Expect(HttpStatusCode.OK);
        Assert.Equal(answered.ETag, after.ETag);
        var stored = Assert.Single(after.Body!["objections"]!.AsArray())!;
        Assert.Equal((true, "Three-year total cost is lower"), ((bool)stored["answered"]!, (string)stored["answer"]!));
        Assert.False(string.IsNullOrEmpty((string)stored["answeredBy"]!));
    }

    [Fact]
    public async Task AnObjectionAnsweredOnTheSpot_IsAnsweredAtOnce_AndTheyListOldestFirst()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);

        (await RaiseAsync(tenant, dealId, new { category = "Timing", text = "Not before the budget round" })).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        (await RaiseAsync(tenant, dealId, new { category = "Authority", text = "The CFO signs", answer = "We set up a call with the CFO" })).Expect(HttpStatusCode.Created);

        var objections = (await tenant.Sales.GetDealAsync(dealId)).Body!["objections"]!.AsArray();
        Assert.Equal(["Timing", "Authority"], objections.Select(o => (string)o!["category"]!));
        Assert.Equal([false, true], objections.Select(o => (bool)o!["answered"]!));
    }

    [Fact]
    public async Task BadObjections_AreRefusedNamingTheField_AndChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        var before = (await tenant.Sales.GetDealAsync(dealId)).Text;

        var noText = (await RaiseAsync(tenant, dealId, new { category = "Price", text = " " })).Expect(HttpStatusCode.BadRequest);
        var noCategory = (await RaiseAsync(tenant, dealId, new { text = "Too expensive" })).Expect(HttpStatusCode.BadRequest);
        var badCategory = (await RaiseAsync(tenant, dealId, new { category = "Weather", text = "Too expensive" })).Expect(HttpStatusCode.BadRequest);
        var tooLong = (await RaiseAsync(tenant, dealId, new { category = "Price", text = new string('x', 2001) })).Expect(HttpStatusCode.BadRequest);

        Assert.Contains("text", noText.Body!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains("category", noCategory.Body!["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("category", badCategory.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("text", tooLong.Body!["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(before, (await tenant.Sales.GetDealAsync(dealId)).Text);

        var raised = (await RaiseAsync(tenant, dealId, new { category = "Need", text = "We have a spreadsheet" })).Expect(HttpStatusCode.Created);
        var noAnswer = (await AnswerAsync(tenant, dealId, raised.Str("id")!, new { answer = "" })).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("answer", noAnswer.Body!["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
        (await AnswerAsync(tenant, dealId, Guid.NewGuid().ToString(), new { answer = "Sure" })).Expect(HttpStatusCode.NotFound);
        (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/objections", new { category = "Need", text = "x" })).Expect(HttpStatusCode.Forbidden);
        var other = await app.NewTenantAsync();
        (await other.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/objections", new { category = "Need", text = "x" })).Expect(HttpStatusCode.NotFound);
        Assert.False((bool)Assert.Single((await tenant.Sales.GetDealAsync(dealId)).Body!["objections"]!.AsArray())!["answered"]!);
    }

    [Fact]
    public async Task AClosedDeal_TakesNoNewObjections()
    {
        var tenant = await app.NewTenantAsync();
        var dealId = await DealAsync(tenant);
        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/move", new { stage = "Lost", reason = "Price", then = "Disqualified" })).Expect(HttpStatusCode.OK);

        (await RaiseAsync(tenant, dealId, new { category = "Price", text = "Too expensive" })).Expect(HttpStatusCode.Conflict);
    }

    private static async Task<Guid> DealAsync(Tenant tenant)
    {
        var leadId = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        return Guid.Parse((await tenant.Sales.AcceptAsync(leadId)).Expect(HttpStatusCode.OK).Str("dealId")!);
    }

    private static Task<ApiResponse> RaiseAsync(Tenant tenant, Guid dealId, object body) =>
        tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/objections", body);

    private static Task<ApiResponse> AnswerAsync(Tenant tenant, Guid dealId, string objectionId, object body, string? ifMatch = null) =>
        tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/objections/{objectionId}/answer", body, ifMatch);
}

public sealed class ObjectionsApiTests_Sqlite(SqliteApp app) : ObjectionsApiTests(app), IClassFixture<SqliteApp>;

public sealed class ObjectionsApiTests_Postgres(PostgresApp app) : ObjectionsApiTests(app), IClassFixture<PostgresApp>;
