using System.Net;
using Leadgate.Leads;
using Leadgate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>
/// Decision 0007 as a scripted client sees it: GET /leads/{id} and the list show sourceStage and sourceCreatedAt, and the
/// list filters by sourceStage, the whole value without regard to case, within the caller's organisation.
/// </summary>
public abstract class SourceStageApiTests(TestApp app)
{
    private const string Header = "Email,Job Title,Lifecycle Stage,Create Date\r\n";

    private static string Csv(params string[] rows) => Header + string.Join("", rows.Select(r => r + "\r\n"));

    [Fact]
    public async Task AnImportedLead_ShowsItsSourceStageAndCreationDate_AndALeadFromTheApiHasNeither()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.ImportCsvAsync(Csv("anna@acme.example.com,CTO,marketingqualifiedlead,2024-03-05 14:30"))).Expect(HttpStatusCode.Created);
        var fromApi = (await tenant.Marketing.CreateLeadAsync(new { email = "bram@acme.example.com" })).Expect(HttpStatusCode.Created);

        var imported = (await tenant.Manager.ListLeadsAsync("?q=anna")).Expect(HttpStatusCode.OK).Body!["items"]![0]!;
        var details = (await tenant.Manager.GetLeadAsync(Guid.Parse((string)imported["id"]!))).Expect(HttpStatusCode.OK);

        Assert.Equal(("marketingqualifiedlead", "2024-03-05T14:30:00+00:00"), ((string?)imported["sourceStage"], (string?)imported["sourceCreatedAt"]));
        Assert.Equal(("marketingqualifiedlead", "2024-03-05T14:30:00+00:00", "Iql"), (details.Str("sourceStage"), details.Str("sourceCreatedAt"), details.Str("stage")));
        Assert.Equal(((string?)null, (string?)null), (fromApi.Str("sourceStage"), fromApi.Str("sourceCreatedAt")));
    }

    [Fact]
    public async Task TheList_FiltersBySourceStage_WholeValue_WithoutRegardToCase_CombinedWithOtherFilters()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Marketing.ImportCsvAsync(Csv(
            "mql.one@acme.example.com,CTO,marketingqualifiedlead,2024-01-01",
            "mql.two@beta.example.com,CTO,MarketingQualifiedLead,2024-01-02",
            "sub@acme.example.com,CTO,subscriber,2024-01-03",
            "uber@acme.example.com,CTO,Über-Lead,2024-01-04",
            "none@acme.example.com,CTO,,"))).Expect(HttpStatusCode.Created);
        await tenant.Marketing.CreateLeadAsync(new { email = "api@acme.example.com" });

        async Task<string[]> EmailsAsync(string query) =>
            [.. (await tenant.Manager.ListLeadsAsync(query)).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray().Select(i => (string)i!["email"]!).Order(StringComparer.Ordinal)];

        Assert.Equal(["mql.one@acme.example.com", "mql.two@beta.example.com"], await EmailsAsync("?sourceStage=marketingqualifiedlead"));
        Assert.Equal(["mql.one@acme.example.com", "mql.two@beta.example.com"], await EmailsAsync("?sourceStage=MARKETINGQUALIFIEDLEAD"));
        Assert.Equal(["mql.one@acme.example.com"], await EmailsAsync("?sourceStage=marketingqualifiedlead&q=acme"));
        Assert.Equal(["mql.two@beta.example.com"], await EmailsAsync("?sourceStage=marketingqualifiedlead&stage=Iql&q=beta"));
        Assert.Empty(await EmailsAsync("?sourceStage=marketingqualifiedlead&stage=Mql"));
        Assert.Equal(["uber@acme.example.com"], await EmailsAsync("?sourceStage=%C3%BCBER-LEAD"));
        Assert.Empty(await EmailsAsync("?sourceStage=marketing"));
        Assert.Empty(await EmailsAsync("?sourceStage=lead"));
        Assert.Equal(["sub@acme.example.com"], await EmailsAsync("?sourceStage=%20subscriber%20"));
        var total = (await tenant.Manager.ListLeadsAsync("?sourceStage=subscriber&limit=1")).Expect(HttpStatusCode.OK).Body!;
        Assert.Null(total["nextCursor"]);
    }

    [Fact]
    public async Task AnotherOrganisationsSourceStages_AreNeitherListedNorOffered()
    {
        var ours = await app.NewTenantAsync();
        var theirs = await app.NewTenantAsync();
        (await ours.Marketing.ImportCsvAsync(Csv("ours@acme.example.com,CTO,customer,2024-01-01"))).Expect(HttpStatusCode.Created);
        (await theirs.Marketing.ImportCsvAsync(Csv("theirs@acme.example.com,CTO,Customer,2024-01-01", "other@acme.example.com,CTO,evangelist,2024-01-01"))).Expect(HttpStatusCode.Created);

        var listed = (await ours.Manager.ListLeadsAsync("?sourceStage=customer")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        var offered = await OfferedAsync(ours);

        Assert.Equal(["ours@acme.example.com"], listed.Select(i => (string)i!["email"]!));
        Assert.Equal(["customer"], offered);
        Assert.Equal(["Customer", "evangelist"], await OfferedAsync(theirs));
        Assert.Empty((await ours.Manager.ListLeadsAsync("?sourceStage=evangelist")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task TheOfferedValues_AreEachStoredValueOnce_SortedWithoutRegardToCase()
    {
        var tenant = await app.NewTenantAsync();
        Assert.Empty(await OfferedAsync(tenant));
        (await tenant.Marketing.ImportFormAsync("sf.csv", "Email,Lead Status\r\n"
            + "a@acme.example.com,Working - Contacted\r\nb@acme.example.com,closed - converted\r\nc@acme.example.com,Open - Not Contacted\r\n"
            + "d@acme.example.com,Working - Contacted\r\ne@acme.example.com,Closed - Converted\r\nf@acme.example.com,\r\n")).Expect(HttpStatusCode.Created);

        Assert.Equal(["Closed - Converted", "closed - converted", "Open - Not Contacted", "Working - Contacted"], await OfferedAsync(tenant));
    }

    [Theory]
    [InlineData("")]
    [InlineData("%20%20")]
    [InlineData("a%01b")]
    public async Task ABadSourceStageFilter_IsAProblemNamingTheParameter(string value)
    {
        var tenant = await app.NewTenantAsync();

        var refused = (await tenant.Manager.ListLeadsAsync($"?sourceStage={value}")).Expect(HttpStatusCode.BadRequest);

        Assert.Equal(["sourceStage"], refused.Body!["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task ASourceStageFilterLongerThanAnyStoredValue_IsAProblemNamingTheParameter()
    {
        var tenant = await app.NewTenantAsync();

        var refused = (await tenant.Manager.ListLeadsAsync($"?sourceStage={new string('x', 101)}")).Expect(HttpStatusCode.BadRequest);

        Assert.Equal("application/problem+json", refused.Message.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["sourceStage"], refused.Body!["errors"]!.AsObject().Select(e => e.Key));
    }

    private async Task<IReadOnlyList<string>> OfferedAsync(Tenant tenant)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var actor = Leadgate.Accounts.Actor.ForImport(tenant.OrganisationId);
        return await scope.ServiceProvider.GetRequiredService<ListSourceStages>().HandleAsync(actor, TestContext.Current.CancellationToken);
    }
}

public sealed class SourceStageApiTests_Sqlite(SqliteApp app) : SourceStageApiTests(app), IClassFixture<SqliteApp>;

public sealed class SourceStageApiTests_Postgres(PostgresApp app) : SourceStageApiTests(app), IClassFixture<PostgresApp>;
