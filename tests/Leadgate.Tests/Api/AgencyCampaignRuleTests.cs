using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Agency;
using Leadgate.Data;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>The agency's campaign rules endpoints, as a scripted client calls them.</summary>
public static class CampaignRuleClient
{
    public const string Path = "/api/v1/agency/campaign-rules";

    public static Task<ApiResponse> CampaignRulesAsync(this LeadgateClient client) => client.SendAsync(HttpMethod.Get, Path);

    public static Task<ApiResponse> PutCampaignRulesAsync(this LeadgateClient client, params object[] rules) => client.SendAsync(HttpMethod.Put, Path, new { rules });

    /// <summary>One round of the campaign rules' sweep, as the background service runs it.</summary>
    public static async Task<CampaignRound> RunCampaignRulesAsync(this TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HandOverByCampaign>().RunAsync(default);
    }

    /// <summary>A prospect of the agency in <paramref name="campaign"/> that replied: an MQL with the reply logged.</summary>
    public static async Task<(Guid Id, string Email)> RepliedInAsync(this Tenant agency, string campaign)
    {
        var email = $"{Guid.NewGuid():N}@prospect.example.com";
        var id = (await agency.Marketing.CreateLeadAsync(new
        {
            email,
            firstName = "Sanne",
            lastName = "Bakker",
            campaign,
            company = new { name = "Bakker Logistiek B.V.", domain = $"{Guid.NewGuid():N}.example.nl" },
        })).Expect(HttpStatusCode.Created).Id;
        (await agency.Marketing.MarkMqlAsync(id, "hand-raise: replied to the outreach")).Expect(HttpStatusCode.OK);
        (await agency.Sales.LogActivityAsync(id, "Email", "Inbound", null, "Yes, send me the planning demo")).Expect(HttpStatusCode.Created);
        return (id, email);
    }
}

/// <summary>
/// Campaign rules (issue 18: "or a rule does it for every reply of a campaign"): the agency maps a campaign to a client,
/// and the sweep hands over every waiting reply of it; on SQLite and PostgreSQL.
/// </summary>
public abstract class AgencyCampaignRuleTests(TestApp app)
{
    [Fact]
    public async Task CampaignRules_AreReplacedAsAWholeList_AndReadBack_ByTheAgencysAdminsAndManagersOnly()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app);

        var saved = (await agency.Manager.PutCampaignRulesAsync(
            new { campaign = "  Spring webinar ", linkId, note = "Ask for Femke's planning question" },
            new { campaign = "Autumn fair", linkId })).Expect(HttpStatusCode.OK);
        // They live in the routing document, and changing the routing keeps them.
        (await agency.Admin.SendAsync(HttpMethod.Put, "/api/v1/settings/routing", new { teams = Array.Empty<object>(), rules = Array.Empty<object>() })).Expect(HttpStatusCode.OK);
        var read = (await agency.Admin.CampaignRulesAsync()).Expect(HttpStatusCode.OK);
        var emptied = (await agency.Admin.PutCampaignRulesAsync()).Expect(HttpStatusCode.OK);
        var gone = (await agency.Manager.CampaignRulesAsync()).Expect(HttpStatusCode.OK);

        Assert.Equal(saved.Text, read.Text);
        var rules = read.Body!["rules"]!.AsArray();
        Assert.Equal(["Spring webinar", "Autumn fair"], rules.Select(r => (string)r!["campaign"]!));
        Assert.All(rules, r => Assert.Equal((linkId.ToString(), "Active"), ((string)r!["linkId"]!, (string)r["linkStatus"]!)));
        Assert.Equal("Ask for Femke's planning question", (string)rules[0]!["note"]!);
        Assert.Null(rules[1]!["note"]);
        Assert.StartsWith("Organisation ", (string)rules[0]!["client"]!, StringComparison.Ordinal);
        Assert.Empty(emptied.Body!["rules"]!.AsArray());
        Assert.Empty(gone.Body!["rules"]!.AsArray());
        (await agency.Sales.CampaignRulesAsync()).Expect(HttpStatusCode.Forbidden);
        (await agency.Marketing.PutCampaignRulesAsync(new { campaign = "Spring webinar", linkId })).Expect(HttpStatusCode.Forbidden);
        Assert.Empty((await client.Admin.CampaignRulesAsync()).Expect(HttpStatusCode.OK).Body!["rules"]!.AsArray());
    }

    [Fact]
    public async Task ARuleNamingAnUnknownOrPendingLink_OrACampaignTwice_IsRefusedNamingTheField_AndNothingChanges()
    {
        var (agency, _, linkId) = await AgencyClient.LinkedAsync(app);
        var pending = (await agency.Admin.InviteAsync(new { clientSlug = (await app.NewTenantAsync()).Slug })).Expect(HttpStatusCode.Created).Id;
        (await agency.Admin.PutCampaignRulesAsync(new { campaign = "Spring webinar", linkId })).Expect(HttpStatusCode.OK);

        var unknown = (await agency.Admin.PutCampaignRulesAsync(new { campaign = "Spring webinar", linkId = Guid.NewGuid() })).Expect(HttpStatusCode.BadRequest);
        var notActive = (await agency.Admin.PutCampaignRulesAsync(new { campaign = "Spring webinar", linkId }, new { campaign = "Autumn fair", linkId = pending }))
            .Expect(HttpStatusCode.BadRequest);
        var twice = (await agency.Admin.PutCampaignRulesAsync(new { campaign = "Spring webinar", linkId }, new { campaign = "SPRING WEBINAR", linkId })).Expect(HttpStatusCode.BadRequest);
        var noName = (await agency.Admin.PutCampaignRulesAsync(new { campaign = " ", linkId }, new { campaign = "Autumn fair" })).Expect(HttpStatusCode.BadRequest);
        var noList = (await agency.Admin.SendAsync(HttpMethod.Put, CampaignRuleClient.Path, new { })).Expect(HttpStatusCode.BadRequest);

        Assert.Equal(["rules[0].linkId"], ErrorFields(unknown));
        Assert.Equal(["rules[1].linkId"], ErrorFields(notActive));
        Assert.Equal(["rules[1].campaign"], ErrorFields(twice));
        Assert.Equal(["rules[0].campaign", "rules[1].linkId"], ErrorFields(noName));
        Assert.Equal(["rules"], ErrorFields(noList));
        Assert.Equal("application/problem+json", unknown.Message.Content.Headers.ContentType?.MediaType);
        var kept = Assert.Single((await agency.Admin.CampaignRulesAsync()).Body!["rules"]!.AsArray())!;
        Assert.Equal(("Spring webinar", linkId.ToString()), ((string)kept["campaign"]!, (string)kept["linkId"]!));
    }

    [Fact]
    public async Task TheSweep_HandsOverEveryWaitingReplyOfAMappedCampaign_AsTheRule_AndLeavesOtherCampaignsWaiting()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app);
        // Replies that waited before the rule existed are reached too.
        var (mapped, mappedEmail) = await agency.RepliedInAsync("Planning demo Q1");
        var (unmapped, unmappedEmail) = await agency.RepliedInAsync("Planning demo Q2");
        Assert.Empty((await agency.Sales.HandoversAsync()).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray());
        (await agency.Admin.PutCampaignRulesAsync(new { campaign = "planning DEMO q1", linkId, note = "Wants a call on Tuesday" })).Expect(HttpStatusCode.OK);

        await app.RunCampaignRulesAsync();
        await app.RunCampaignRulesAsync();

        var handover = Assert.Single((await agency.Sales.HandoversAsync()).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray())!;
        Assert.Equal((mapped.ToString(), "Delivered", "Mql"), ((string)handover["agencyLeadId"]!, (string)handover["status"]!, (string)handover["clientStage"]!));
        var agencyName = (string)(await agency.Admin.LinksAsync()).Body!.AsArray()[0]!["agency"]!["name"]!;
        var lead = (await client.Sales.GetLeadAsync(await client.ClientLeadOfAsync(mappedEmail))).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal(("Mql", $"Agency: {agencyName}", "Planning demo Q1"), ((string)lead["stage"]!, (string)lead["source"]!, (string)lead["campaign"]!));
        Assert.Equal("Wants a call on Tuesday", (string)lead["agency"]!["note"]!);
        Assert.Empty((await client.Sales.ListLeadsAsync($"?q={Uri.EscapeDataString(unmappedEmail)}")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray());
        Assert.Equal("Mql", (string)(await agency.Sales.GetLeadAsync(unmapped)).Body!["stage"]!);
        Assert.Equal(["Rule: campaign planning DEMO q1"], await HandedOverByAsync(mapped));
    }

    [Fact]
    public async Task ARuleOnAnEndedLink_HandsNothingOver()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app);
        (await agency.Admin.PutCampaignRulesAsync(new { campaign = "Planning demo Q3", linkId })).Expect(HttpStatusCode.OK);
        (await client.Admin.EndLinkAsync(linkId)).Expect(HttpStatusCode.OK);
        var (prospect, _) = await agency.RepliedInAsync("Planning demo Q3");

        await app.RunCampaignRulesAsync();

        Assert.Empty((await agency.Sales.HandoversAsync()).Body!["items"]!.AsArray());
        Assert.Equal("Ended", (string)Assert.Single((await agency.Admin.CampaignRulesAsync()).Body!["rules"]!.AsArray())!["linkStatus"]!);
        Assert.Empty(await HandedOverByAsync(prospect));
    }

    [Fact]
    public async Task RoundsAtTheSameMoment_OrARoundAndAHandOverFromTheQueue_HandEachLeadOverOnce()
    {
        var (agency, _, linkId) = await AgencyClient.LinkedAsync(app);
        (await agency.Admin.PutCampaignRulesAsync(new { campaign = "Planning demo Q4", linkId })).Expect(HttpStatusCode.OK);
        var prospects = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            prospects.Add((await agency.RepliedInAsync("Planning demo Q4")).Id);
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(app.RunCampaignRulesAsync)));
        var (last, _) = await agency.RepliedInAsync("Planning demo Q4");
        var round = Task.Run(app.RunCampaignRulesAsync);
        var byHand = (await agency.Marketing.HandOverAsync(last, linkId)).Expect(HttpStatusCode.OK);
        await round;

        var items = (await agency.Sales.HandoversAsync()).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        Assert.Equal(
            [.. prospects.Append(last).Select(p => p.ToString()).Order()],
            items.Select(h => (string)h!["agencyLeadId"]!).Order().ToArray());
        Assert.Equal(byHand.Str("handoverId"), (string)items.Single(h => (string)h!["agencyLeadId"]! == last.ToString())!["handoverId"]!);
    }

    [Fact]
    public async Task TheClientsUsers_NeitherReadNorWriteTheAgencysRules()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app);
        (await agency.Admin.PutCampaignRulesAsync(new { campaign = "Only the agency knows", linkId })).Expect(HttpStatusCode.OK);

        var read = (await client.Admin.CampaignRulesAsync()).Expect(HttpStatusCode.OK);
        var written = (await client.Admin.PutCampaignRulesAsync(new { campaign = "Hijacked", linkId })).Expect(HttpStatusCode.BadRequest);
        (await client.Sales.CampaignRulesAsync()).Expect(HttpStatusCode.Forbidden);
        (await client.Manager.PutCampaignRulesAsync(new { campaign = "Hijacked", linkId })).Expect(HttpStatusCode.BadRequest);

        Assert.DoesNotContain("Only the agency knows", read.Text, StringComparison.Ordinal);
        Assert.Equal(["rules[0].linkId"], ErrorFields(written));
        var kept = Assert.Single((await agency.Admin.CampaignRulesAsync()).Body!["rules"]!.AsArray())!;
        Assert.Equal("Only the agency knows", (string)kept["campaign"]!);
    }

    private static string[] ErrorFields(ApiResponse problem) => [.. problem.Body!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal)];

    /// <summary>Who handed the agency's lead over, per hand-over (the API does not show it; the agency's record keeps it).</summary>
    private async Task<string[]> HandedOverByAsync(Guid agencyLeadId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        return [.. await db.AgencyHandovers.Where(h => h.AgencyLeadId == agencyLeadId).Select(h => h.HandedOverBy).ToListAsync()];
    }
}

public sealed class AgencyCampaignRuleTests_Sqlite(SqliteApp app) : AgencyCampaignRuleTests(app), IClassFixture<SqliteApp>;

public sealed class AgencyCampaignRuleTests_Postgres(PostgresApp app) : AgencyCampaignRuleTests(app), IClassFixture<PostgresApp>;
