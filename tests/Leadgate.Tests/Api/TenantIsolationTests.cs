using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Leadgate.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>
/// R4: a user or key of one organisation never sees or changes another's data. The endpoints are enumerated from the
/// running app, so an endpoint added later is covered without touching this test.
/// </summary>
public abstract partial class TenantIsolationTests(TestApp app)
{
    [Fact]
    public async Task EveryApiEndpoint_AnswersAnotherOrganisation_AsIfTheDataDidNotExist()
    {
        await ProbeAsync(await app.NewTenantAsync(), await app.NewTenantAsync());
    }

    /// <summary>
    /// Acceptance 4 of issue 18: an agency and its client, linked and with a lead handed over, are strangers to each other's
    /// data in both directions; only the link itself is shared (and the probe uses another link of each).
    /// </summary>
    [Fact]
    public async Task AnAgencyAndItsClient_AnswerEachOther_AsIfTheOthersDataDidNotExist()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app, "Revenue");
        var prospect = await agency.RepliedProspectAsync();
        Assert.Equal("Delivered", (await agency.Marketing.HandOverAsync(prospect, linkId)).Expect(HttpStatusCode.OK).Str("status"));
        var campaign = $"Campaign only the agency knows {Guid.NewGuid():N}";
        (await agency.Manager.PutCampaignRulesAsync(new { campaign, linkId, note = campaign })).Expect(HttpStatusCode.OK);

        await ProbeAsync(agency, client, linked: true, secrets: [campaign]);
        await ProbeAsync(client, agency, linked: true);

        // The client's own admin reads and writes its own (empty) rules: never the agency's, and never with the agency's link.
        Assert.DoesNotContain(campaign, (await client.Admin.CampaignRulesAsync()).Expect(HttpStatusCode.OK).Text, StringComparison.Ordinal);
        (await client.Admin.PutCampaignRulesAsync(new { campaign, linkId })).Expect(HttpStatusCode.BadRequest);
        Assert.Equal(campaign, (string)Assert.Single((await agency.Admin.CampaignRulesAsync()).Body!["rules"]!.AsArray())!["campaign"]!);
    }

    /// <summary>Every endpoint, as <paramref name="stranger"/>, with the ids of <paramref name="owner"/>; a linked pair know each other's slug and name.</summary>
    private async Task ProbeAsync(Tenant owner, Tenant stranger, bool linked = false, IEnumerable<string>? secrets = null)
    {
        var third = await app.NewTenantAsync();
        var linkId = (await owner.Admin.SendAsync(HttpMethod.Post, "/api/v1/agency/links", new { clientSlug = third.Slug })).Expect(HttpStatusCode.Created).Id;

        // The owner's data is marked as this probe's own: probing a linked pair both ways, the second probe's stranger
        // holds the first probe's rows as its own data, which it may of course see.
        var mark = Guid.NewGuid().ToString("N")[..8];
        var (importedEmail, buyerEmail, objectionText) = ($"imported-{mark}@owner.example.com", $"buyer-{mark}@owner.example.com", $"Too expensive for the owner {mark}");
        var leadId = await owner.Sales.QualifiedMqlAsync(owner.Marketing);
        var activityId = Guid.Parse((string)(await owner.Sales.GetLeadAsync(leadId)).Body!["activities"]!.AsArray()[0]!["id"]!);
        var dealLeadId = await owner.Sales.QualifiedMqlAsync(owner.Marketing);
        var dealId = Guid.Parse((await owner.Sales.AcceptAsync(dealLeadId)).Expect(HttpStatusCode.OK).Str("dealId")!);
        var stakeholderId = (string)(await owner.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/stakeholders", new { email = buyerEmail, role = "Champion" }))
            .Expect(HttpStatusCode.Created).Body!["stakeholders"]![0]!["id"]!;
        var objectionId = (await owner.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/objections", new { category = "Price", text = objectionText }))
            .Expect(HttpStatusCode.Created).Str("id")!;
        var keyId = (string)(await owner.Sales.SendAsync(HttpMethod.Get, "/api/v1/api-keys")).Body!.AsArray()[0]!["id"]!;
        var importId = (await owner.Marketing.ImportCsvAsync($"Email,First Name,Company\r\n{importedEmail},Owner,Owner B.V.\r\n")).Expect(HttpStatusCode.Created).Id;
        var (_, _, sourceId) = await IntakeClient.NewWebhookSourceAsync(owner);
        var formId = (await IntakeClient.NewFormAsync(owner)).Id;
        var hookId = (string)(await owner.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = "https://owner.example.com/hooks", events = HookEvents }))
            .Expect(HttpStatusCode.Created).Body!["subscription"]!["id"]!;
        (await owner.Manager.AssignAsync(leadId, owner.Members["sales2"].Id)).Expect(HttpStatusCode.OK);
        var notificationId = (string)(await owner.Sales2.SendAsync(HttpMethod.Get, "/api/v1/notifications")).Body!["items"]![0]!["id"]!;
        var modelId = (await Prediction.StoredModels.AddAsync(app, owner.OrganisationId)).ToString();
        var companyId = (string)(await owner.Sales.GetLeadAsync(leadId)).Body!["company"]!["id"]!;
        var before = new[] { (await owner.Sales.GetLeadAsync(leadId)).Text, (await owner.Sales.GetLeadAsync(dealLeadId)).Text, (await owner.Sales.GetDealAsync(dealId)).Text };
        var ownersSecrets = new List<string> { leadId.ToString(), dealLeadId.ToString(), dealId.ToString(), activityId.ToString(), importId.ToString(), importedEmail, owner.Slug, sourceId.ToString(), stakeholderId, buyerEmail, objectionId, objectionText, formId.ToString(), hookId, notificationId, modelId, linkId.ToString(), third.Slug };
        if (linked)
        {
            ownersSecrets.Remove(owner.Slug);
        }

        ownersSecrets.AddRange(secrets ?? []);

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (Method: method, Pattern: e.RoutePattern.RawText!, Takes: e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType)))
            .ToList();
        Assert.True(endpoints.Count >= 20, $"Only {endpoints.Count} API endpoints were found.");

        var body = new
        {
            email = "someone@stranger.example.com",
            reason = "Other",
            note = "probing",
            dealValue = 1000m,
            currency = "EUR",
            expectedCloseDate = "2031-01-01",
            amount = 100m,
            then = "Nurture",
            ownerId = stranger.Members["sales"].Id,
            type = "Note",
            direction = "Outbound",
            name = "probe",
            need = new { status = "Confirmed" },
            stage = "Proposal",
            role = "DecisionMaker",
            category = "Price",
            text = "probing",
            answer = "probing",
            linkId = Guid.Empty,
            shares = "Revenue",
        };

        var checkedRoutes = new List<string>();
        foreach (var (method, pattern, takes) in endpoints)
        {
            var parameters = RouteParameter().Matches(pattern).Select(m => m.Groups[1].Value).ToList();
            var path = RouteParameter().Replace(pattern, match => match.Groups[1].Value switch
            {
                "id" when pattern.StartsWith("/api/v1/leads", StringComparison.Ordinal) => leadId.ToString(),
                "id" when pattern.StartsWith("/api/v1/deals", StringComparison.Ordinal) => dealId.ToString(),
                "id" when pattern.StartsWith("/api/v1/api-keys", StringComparison.Ordinal) => keyId,
                "id" when pattern.StartsWith("/api/v1/imports", StringComparison.Ordinal) => importId.ToString(),
                "id" when pattern.StartsWith("/api/v1/settings/webhook-sources", StringComparison.Ordinal) => sourceId.ToString(),
                "id" when pattern.StartsWith("/api/v1/settings/forms", StringComparison.Ordinal) => formId.ToString(),
                "id" when pattern.StartsWith("/api/v1/settings/webhooks", StringComparison.Ordinal) => hookId,
                "id" when pattern.StartsWith("/api/v1/notifications", StringComparison.Ordinal) => notificationId,
                "id" when pattern.StartsWith("/api/v1/models", StringComparison.Ordinal) => modelId,
                "id" when pattern.StartsWith("/api/v1/companies", StringComparison.Ordinal) => companyId,
                "id" when pattern.StartsWith("/api/v1/agency/links", StringComparison.Ordinal) => linkId.ToString(),
                "activityId" => activityId.ToString(),
                "userId" => owner.Members["sales"].Id.ToString(),
                "stakeholderId" => stakeholderId,
                "objectionId" => objectionId,
                var unknown => throw new InvalidOperationException($"No id of the owning organisation is known for '{{{unknown}}}' in {pattern}: teach this test which resource it names."),
            }).TrimEnd('/'); // a group's "/" route is the group's own path, as the document names it

            // A merge patch refuses fields it does not know, so it gets only the fields it can change.
            object? sent = method switch
            {
                "GET" or "DELETE" => null,
                "PATCH" when pattern.StartsWith("/api/v1/leads", StringComparison.Ordinal) => new { jobTitle = "probe" },
                "PATCH" when pattern.StartsWith("/api/v1/deals", StringComparison.Ordinal) => new { value = 10m },
                _ => FieldsOf(takes, body),
            };
            var answer = await stranger.Sales.SendAsync(new HttpMethod(method), path, sent);

            if (parameters.Count > 0)
            {
                Assert.True(answer.Status == HttpStatusCode.NotFound, $"{method} {pattern} answered {(int)answer.Status} to another organisation: {answer.Text}");
            }

            // A problem's "instance" repeats the path the caller sent; everything else must not know the owner's data.
            var said = answer.Body is JsonObject problem && problem.Remove("instance") ? problem.ToJsonString() : answer.Text;
            foreach (var secret in ownersSecrets)
            {
                Assert.False(said.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{method} {pattern} told another organisation '{secret}': {said}");
            }

            checkedRoutes.Add($"{method} {pattern}");
        }

        Assert.Contains("POST /api/v1/leads/{id:guid}/accept", checkedRoutes);
        Assert.Contains("DELETE /api/v1/settings/webhook-sources/{id:guid}", checkedRoutes);
        Assert.Contains("DELETE /api/v1/settings/forms/{id:guid}", checkedRoutes);
        Assert.Contains("DELETE /api/v1/settings/webhooks/{id:guid}", checkedRoutes);
        Assert.Contains("POST /api/v1/deals/{id:guid}/move", checkedRoutes);
        Assert.Contains("DELETE /api/v1/deals/{id:guid}/stakeholders/{stakeholderId:guid}", checkedRoutes);
        Assert.Contains("GET /api/v1/deals/{id:guid}/history", checkedRoutes);
        Assert.Contains("POST /api/v1/deals/{id:guid}/objections/{objectionId:guid}/answer", checkedRoutes);
        Assert.Contains("POST /api/v1/leads/{id:guid}/hand-over", checkedRoutes);
        Assert.Contains("POST /api/v1/agency/links/{id:guid}/accept", checkedRoutes);
        Assert.Contains("GET /api/v1/agency/links/{id:guid}/scorecard", checkedRoutes);
        Assert.Contains("GET /api/v1/agency/campaign-rules", checkedRoutes);
        Assert.Contains("PUT /api/v1/agency/campaign-rules", checkedRoutes);
        Assert.Equal("Pending", (string)(await owner.Admin.SendAsync(HttpMethod.Get, "/api/v1/agency/links")).Body!.AsArray().First(l => (string)l!["id"]! == linkId.ToString())!["status"]!);
        Assert.Single((await owner.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhooks")).Body!.AsArray());
        Assert.Equal(1, (int)(await owner.Sales2.SendAsync(HttpMethod.Get, "/api/v1/notifications")).Body!["unread"]!);
        Assert.Single((await owner.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhook-sources")).Body!.AsArray());
        Assert.Single((await owner.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/forms")).Body!.AsArray());
        Assert.Equal(before, new[] { (await owner.Sales.GetLeadAsync(leadId)).Text, (await owner.Sales.GetLeadAsync(dealLeadId)).Text, (await owner.Sales.GetDealAsync(dealId)).Text });
        (await owner.Sales.ListLeadsAsync()).Expect(HttpStatusCode.OK);
    }

    private static readonly string[] HookEvents = ["lead.sql"];

    [GeneratedRegex(@"\{([A-Za-z]+)(?::[^}]*)?\}")]
    private static partial Regex RouteParameter();

    /// <summary>The API refuses fields it does not know: each endpoint gets only those of the probe its request type has.</summary>
    private static Dictionary<string, object?>? FieldsOf(Type? requestType, object probe)
    {
        if (requestType is null)
        {
            return null;
        }

        var known = requestType.GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return probe.GetType().GetProperties()
            .Where(p => known.Contains(p.Name))
            .ToDictionary(p => p.Name, p => p.GetValue(probe));
    }
}

public sealed class TenantIsolationTests_Sqlite(SqliteApp app) : TenantIsolationTests(app), IClassFixture<SqliteApp>;

public sealed class TenantIsolationTests_Postgres(PostgresApp app) : TenantIsolationTests(app), IClassFixture<PostgresApp>;
