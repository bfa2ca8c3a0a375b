using System.Net;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Creating and updating leads through the API: upsert, idempotency, validation, optimistic concurrency.</summary>
public abstract class IntakeApiTests(TestApp app)
{
    private static object LeadBody(string email, string firstName = "Pieter") => new
    {
        email,
        firstName,
        lastName = "Bakker",
        jobTitle = "CTO",
        phone = "+31 20 123 4567",
        source = "Website",
        campaign = "Q1 whitepaper",
        company = new { name = "Bakker Logistiek", domain = "bakker-logistiek.nl", industry = "Logistics", employees = 120, country = "NL" },
    };

    [Fact]
    public async Task Create_Answers201WithLocation_AndTheLeadCanBeRead()
    {
        var tenant = await app.NewTenantAsync();

        var created = (await tenant.Marketing.CreateLeadAsync(LeadBody("pieter@bakker-logistiek.nl"))).Expect(HttpStatusCode.Created);

        Assert.Equal($"/api/v1/leads/{created.Id}", created.Location!.ToString());
        var read = (await tenant.Marketing.SendAsync(HttpMethod.Get, created.Location.ToString())).Expect(HttpStatusCode.OK);
        Assert.Equal("Iql", read.Str("stage"));
        Assert.Equal("Iql", read.Str("highestStage"));
        Assert.Equal("pieter@bakker-logistiek.nl", read.Str("email"));
        Assert.Equal("Bakker Logistiek", (string)read.Body!["company"]!["name"]!);
        Assert.Equal(120, (int)read.Body!["company"]!["employees"]!);
        Assert.NotNull(read.ETag);
        Assert.Single(read.Body!["history"]!.AsArray());
    }

    [Fact]
    public async Task Create_WithAKnownEmail_UpdatesThatLead()
    {
        var tenant = await app.NewTenantAsync();
        var first = (await tenant.Marketing.CreateLeadAsync(LeadBody("Sanne@Example.NL"))).Expect(HttpStatusCode.Created);

        var second = (await tenant.Marketing.CreateLeadAsync(LeadBody("  sanne@example.nl ", firstName: "Sanne"))).Expect(HttpStatusCode.OK);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("Sanne", second.Str("firstName"));
        var list = (await tenant.Marketing.ListLeadsAsync("?q=sanne@example.nl")).Expect(HttpStatusCode.OK);
        Assert.Single(list.Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task Create_RepeatedWithTheSameIdempotencyKey_ReturnsTheSameAnswer_AndCreatesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var body = LeadBody("once@example.com");

        var first = (await tenant.Marketing.CreateLeadAsync(body, idempotencyKey: "import-42")).Expect(HttpStatusCode.Created);
        var second = (await tenant.Marketing.CreateLeadAsync(body, idempotencyKey: "import-42")).Expect(HttpStatusCode.Created);

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Location, second.Location);
        Assert.Equal(first.ETag, second.ETag);
        Assert.True(second.Message.Headers.Contains("Idempotent-Replayed"));
        var lead = await tenant.Marketing.GetLeadAsync(first.Id);
        Assert.Equal(first.ETag, lead.ETag);
        Assert.Single((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task Create_WithAUsedIdempotencyKeyAndAnotherBody_IsRefused()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.CreateLeadAsync(LeadBody("first@example.com"), idempotencyKey: "k-1")).Expect(HttpStatusCode.Created);

        var refused = (await tenant.Marketing.CreateLeadAsync(LeadBody("second@example.com"), idempotencyKey: "k-1")).Expect(HttpStatusCode.UnprocessableEntity);

        Assert.EndsWith("/idempotency-key-reused", refused.Str("type"));
        Assert.Single((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task Create_SentByManyClientsAtOnceWithOneKey_CreatesOneLead()
    {
        var tenant = await app.NewTenantAsync();
        var body = LeadBody("race@example.com");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => tenant.Marketing.CreateLeadAsync(body, idempotencyKey: "race")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Single(answers.Select(a => a.Id).Distinct());
        Assert.Single((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("")]
    [InlineData("a@b")]
    [InlineData("robert'); DROP TABLE Leads;--@x.com")]
    public async Task Create_WithAnInvalidEmail_Is400NamingEmail_AndWritesNothing(string email)
    {
        var tenant = await app.NewTenantAsync();

        var refused = (await tenant.Marketing.CreateLeadAsync(LeadBody(email))).Expect(HttpStatusCode.BadRequest);

        Assert.EndsWith("/validation", refused.Str("type"));
        Assert.NotNull(refused.Body!["errors"]!["email"]);
        Assert.Empty((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task Create_WithAWrongType_Is400NamingTheField()
    {
        var tenant = await app.NewTenantAsync();

        var refused = (await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/leads",
            rawJson: """{ "email": "x@example.com", "company": { "name": "X", "employees": "many" } }""")).Expect(HttpStatusCode.BadRequest);

        Assert.NotNull(refused.Body!["errors"]!["company.employees"]);
    }

    [Fact]
    public async Task Create_WithHugeOrBadFields_Is400NamingEachField()
    {
        var tenant = await app.NewTenantAsync();

        var refused = (await tenant.Marketing.CreateLeadAsync(new
        {
            email = "ok@example.com",
            firstName = new string('x', 5_000),
            company = new { name = "X", country = "Netherlands", domain = "not a domain", employees = -4 },
        })).Expect(HttpStatusCode.BadRequest);

        var errors = refused.Body!["errors"]!.AsObject();
        Assert.Contains("firstName", errors.Select(e => e.Key));
        Assert.Contains("company.country", errors.Select(e => e.Key));
        Assert.Contains("company.domain", errors.Select(e => e.Key));
        Assert.Contains("company.employees", errors.Select(e => e.Key));
        Assert.Empty((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task Patch_WithTheCurrentETag_Succeeds_AndAStaleOneIs412()
    {
        var tenant = await app.NewTenantAsync();
        var created = (await tenant.Marketing.CreateLeadAsync(LeadBody("patch@example.com"))).Expect(HttpStatusCode.Created);

        var patched = (await tenant.Marketing.PatchLeadAsync(created.Id, new { jobTitle = "COO", phone = (string?)null }, created.ETag)).Expect(HttpStatusCode.OK);
        Assert.Equal("COO", patched.Str("jobTitle"));
        Assert.Null(patched.Body!["phone"]);
        Assert.Equal("Pieter", patched.Str("firstName"));
        Assert.NotEqual(created.ETag, patched.ETag);

        var stale = (await tenant.Marketing.PatchLeadAsync(created.Id, new { jobTitle = "CEO" }, created.ETag)).Expect(HttpStatusCode.PreconditionFailed);
        Assert.Equal(patched.ETag, stale.Str("currentETag"));
        Assert.Equal("COO", (await tenant.Marketing.GetLeadAsync(created.Id)).Str("jobTitle"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(16)]
    public async Task Patch_ByManyUsersWithTheSameIfMatch_LetsExactlyOneSucceed(int users)
    {
        var tenant = await app.NewTenantAsync();
        var created = (await tenant.Marketing.CreateLeadAsync(LeadBody("race-patch@example.com"))).Expect(HttpStatusCode.Created);
        var clients = new[] { tenant.Marketing, tenant.Sales, tenant.Sales2, tenant.Manager, tenant.Admin };

        var answers = await Task.WhenAll(Enumerable.Range(0, users).Select(i =>
            clients[i % clients.Length].PatchLeadAsync(created.Id, new { jobTitle = $"Title {i}" }, created.ETag)));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(users - 1, answers.Count(a => a.Status == HttpStatusCode.PreconditionFailed));
        var winner = answers.Single(a => a.Status == HttpStatusCode.OK);
        Assert.Equal(winner.Str("jobTitle"), (await tenant.Marketing.GetLeadAsync(created.Id)).Str("jobTitle"));
    }

    [Fact]
    public async Task Patch_WithAnUnknownFieldOrAMalformedIfMatch_Is400NamingIt()
    {
        var tenant = await app.NewTenantAsync();
        var created = (await tenant.Marketing.CreateLeadAsync(LeadBody("fields@example.com"))).Expect(HttpStatusCode.Created);

        var unknown = (await tenant.Marketing.PatchLeadAsync(created.Id, new { stage = "Sql" })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(unknown.Body!["errors"]!["stage"]);
        var malformed = (await tenant.Marketing.PatchLeadAsync(created.Id, new { jobTitle = "x" }, "W/\"1\"")).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(malformed.Body!["errors"]!["If-Match"]);
    }

    [Fact]
    public async Task Patch_ToAnotherLeadsCompanyDomain_MovesTheLeadToThatCompany_AndLeavesItsNameAlone()
    {
        var tenant = await app.NewTenantAsync();
        var first = (await tenant.Marketing.CreateLeadAsync(new { email = "xavier@xray-one.example", company = new { name = "Xray One", domain = "xray-one.example" } })).Expect(HttpStatusCode.Created);
        var second = (await tenant.Marketing.CreateLeadAsync(new { email = "zoe@zulu-two.example", company = new { name = "Zulu Two", domain = "zulu-two.example", industry = "Retail" } })).Expect(HttpStatusCode.Created);

        var moved = (await tenant.Marketing.PatchLeadAsync(second.Id, new { company = new { domain = "xray-one.example" } })).Expect(HttpStatusCode.OK);

        var company = (await tenant.Marketing.GetLeadAsync(first.Id)).Body!["company"]!;
        Assert.Equal(("Xray One", "xray-one.example", (string?)null), ((string?)company["name"], (string?)company["domain"], (string?)company["industry"]));
        Assert.Equal(((string?)company["id"], "Xray One"), ((string?)moved.Body!["company"]!["id"], (string?)moved.Body["company"]!["name"]));

        // A name sent with the domain is the company's new name: the lead said which company and what it is called.
        (await tenant.Marketing.PatchLeadAsync(second.Id, new { company = new { name = "Xray One B.V." } })).Expect(HttpStatusCode.OK);
        Assert.Equal("Xray One B.V.", (string?)(await tenant.Marketing.GetLeadAsync(first.Id)).Body!["company"]!["name"]);
    }

    [Fact]
    public async Task ARefusalRetriedWithItsIdempotencyKey_IsTheSameProblem_WithInstanceAndTraceId()
    {
        var tenant = await app.NewTenantAsync();

        var first = (await tenant.Marketing.CreateLeadAsync(new { email = "not-an-address" }, idempotencyKey: "bad-1")).Expect(HttpStatusCode.BadRequest);
        var retry = (await tenant.Marketing.CreateLeadAsync(new { email = "not-an-address" }, idempotencyKey: "bad-1")).Expect(HttpStatusCode.BadRequest);

        Assert.True(retry.Message.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.Text, retry.Text);
        Assert.Equal(("/api/v1/leads", first.Str("traceId")), (retry.Str("instance"), retry.Str("traceId")));
        Assert.False(string.IsNullOrEmpty(retry.Str("traceId")));
        Assert.Empty((await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task AnActionRetriedWithItsIdempotencyKey_IsAnsweredAsTheFirstTime()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();

        var first = (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/mark-mql", new { reason = "Demo request" }, idempotencyKey: "mql-1")).Expect(HttpStatusCode.OK);
        var retry = (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/mark-mql", new { reason = "Demo request" }, idempotencyKey: "mql-1")).Expect(HttpStatusCode.OK);

        Assert.Equal(first.Text, retry.Text);
        Assert.Equal(2, (await tenant.Marketing.GetLeadAsync(id)).Body!["history"]!.AsArray().Count);
    }

    [Fact]
    public async Task Requests_WithoutOrWithARevokedKey_Are401()
    {
        var tenant = await app.NewTenantAsync();
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/v1/leads", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        var keys = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/api-keys")).Expect(HttpStatusCode.OK);
        var keyId = (string)keys.Body!.AsArray()[0]!["id"]!;
        (await tenant.Sales.SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{keyId}")).Expect(HttpStatusCode.OK);

        (await tenant.Sales.ListLeadsAsync()).Expect(HttpStatusCode.Unauthorized);
    }
}

public sealed class IntakeApiTests_Sqlite(SqliteApp app) : IntakeApiTests(app), IClassFixture<SqliteApp>;

public sealed class IntakeApiTests_Postgres(PostgresApp app) : IntakeApiTests(app), IClassFixture<PostgresApp>;
