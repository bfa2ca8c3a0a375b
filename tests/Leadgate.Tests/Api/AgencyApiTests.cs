using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>The agency endpoints as a scripted client calls them.</summary>
public static class AgencyClient
{
    public static Task<ApiResponse> InviteAsync(this LeadgateClient client, object body, string? idempotencyKey = null) =>
        client.SendAsync(HttpMethod.Post, "/api/v1/agency/links", body, idempotencyKey: idempotencyKey);

    public static Task<ApiResponse> LinksAsync(this LeadgateClient client) => client.SendAsync(HttpMethod.Get, "/api/v1/agency/links");

    public static Task<ApiResponse> AcceptLinkAsync(this LeadgateClient client, Guid linkId, string shares = "Stage", string routing = "Rules", string? team = null) =>
        client.SendAsync(HttpMethod.Post, $"/api/v1/agency/links/{linkId}/accept", new { shares, routing, team });

    public static Task<ApiResponse> EndLinkAsync(this LeadgateClient client, Guid linkId) => client.SendAsync(HttpMethod.Delete, $"/api/v1/agency/links/{linkId}");

    public static Task<ApiResponse> HandOverAsync(this LeadgateClient client, Guid leadId, Guid linkId, string? note = null, string? idempotencyKey = null) =>
        client.SendAsync(HttpMethod.Post, $"/api/v1/leads/{leadId}/hand-over", new { linkId, note }, idempotencyKey: idempotencyKey);

    public static Task<ApiResponse> HandoversAsync(this LeadgateClient client, string query = "") => client.SendAsync(HttpMethod.Get, $"/api/v1/agency/handovers{query}");

    public static Task<ApiResponse> ScorecardAsync(this LeadgateClient client, Guid linkId, string query = "") =>
        client.SendAsync(HttpMethod.Get, $"/api/v1/agency/links/{linkId}/scorecard{query}");

    /// <summary>An agency and a client with an active link sharing <paramref name="shares"/>.</summary>
    public static async Task<(Tenant Agency, Tenant Client, Guid LinkId)> LinkedAsync(TestApp app, string shares = "Stage")
    {
        var agency = await app.NewTenantAsync();
        var client = await app.NewTenantAsync();
        var linkId = (await agency.Admin.InviteAsync(new { clientSlug = client.Slug })).Expect(HttpStatusCode.Created).Id;
        (await client.Admin.AcceptLinkAsync(linkId, shares)).Expect(HttpStatusCode.OK);
        return (agency, client, linkId);
    }

    /// <summary>A prospect of the agency that replied: an MQL with the reply logged as an inbound e-mail.</summary>
    public static async Task<Guid> RepliedProspectAsync(this Tenant agency, string? email = null)
    {
        var id = await agency.Marketing.NewLeadAsync(email);
        (await agency.Marketing.MarkMqlAsync(id, "hand-raise: replied to the outreach")).Expect(HttpStatusCode.OK);
        (await agency.Sales.LogActivityAsync(id, "Email", "Inbound", null, "Sounds interesting, call me next week")).Expect(HttpStatusCode.Created);
        return id;
    }

    /// <summary>The client's lead a hand-over made, found by the person's e-mail address.</summary>
    public static async Task<Guid> ClientLeadOfAsync(this Tenant client, string email)
    {
        var page = (await client.Sales.ListLeadsAsync($"?q={Uri.EscapeDataString(email)}")).Expect(HttpStatusCode.OK);
        return Guid.Parse((string)Assert.Single(page.Body!["items"]!.AsArray())!["id"]!);
    }
}

/// <summary>Agency links, hand-overs and what the agency sees back (issue 18), through the API; on SQLite and PostgreSQL.</summary>
public abstract class AgencyApiTests(TestApp app)
{
    [Fact]
    public async Task ALink_IsInvitedPending_SeenByBothSides_AcceptedByTheClientsAdmin_AndEndedWithItsHistoryKept()
    {
        var agency = await app.NewTenantAsync();
        var client = await app.NewTenantAsync();

        var invited = (await agency.Admin.InviteAsync(new { clientAdminEmail = client.Members["admin"].Email })).Expect(HttpStatusCode.Created);
        var linkId = invited.Id;
        (await agency.Admin.InviteAsync(new { clientSlug = client.Slug })).Expect(HttpStatusCode.Conflict);
        (await agency.Marketing.InviteAsync(new { clientSlug = client.Slug })).Expect(HttpStatusCode.Forbidden);
        var neither = (await agency.Admin.InviteAsync(new { })).Expect(HttpStatusCode.BadRequest);
        (await agency.Admin.AcceptLinkAsync(linkId)).Expect(HttpStatusCode.NotFound);
        (await client.Sales.AcceptLinkAsync(linkId)).Expect(HttpStatusCode.Forbidden);
        var accepted = (await client.Admin.AcceptLinkAsync(linkId, "Reasons", "SharedQueue")).Expect(HttpStatusCode.OK);
        var agencySees = Assert.Single((await agency.Sales.LinksAsync()).Expect(HttpStatusCode.OK).Body!.AsArray())!;
        var ended = (await agency.Admin.EndLinkAsync(linkId)).Expect(HttpStatusCode.OK);
        var clientSees = Assert.Single((await client.Sales.LinksAsync()).Expect(HttpStatusCode.OK).Body!.AsArray())!;

        Assert.Equal(("Pending", "Stage", client.Slug, agency.Slug), (invited.Str("status"), invited.Str("shares"), (string)invited.Body!["client"]!["slug"]!, (string)invited.Body!["agency"]!["slug"]!));
        Assert.NotNull(neither.Body!["errors"]!["clientSlug"]);
        Assert.Equal(("Active", "Reasons", "SharedQueue", "Client"), (accepted.Str("status"), accepted.Str("shares"), accepted.Str("routing"), accepted.Str("side")));
        Assert.Equal(("Active", "Agency"), ((string)agencySees["status"]!, (string)agencySees["side"]!));
        Assert.Null(agencySees["routing"]);
        Assert.Equal("Ended", ended.Str("status"));
        Assert.Equal(("Ended", "Reasons"), ((string)clientSees["status"]!, (string)clientSees["shares"]!));
        Assert.NotNull(clientSees["endedAt"]);
    }

    [Fact]
    public async Task AHandedOverReply_IsAnMqlAtTheClient_InTheInboxWithItsClock_AndTheAgencySeesItsProgress_OnlyAsShared()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app);
        var email = $"{Guid.NewGuid():N}@prospect.example.com";
        var prospect = await agency.RepliedProspectAsync(email);

        var first = (await agency.Marketing.HandOverAsync(prospect, linkId, "Wants a demo of the planning module", idempotencyKey: "hand-over-1")).Expect(HttpStatusCode.OK);
        var again = (await agency.Marketing.HandOverAsync(prospect, linkId, "Wants a demo of the planning module", idempotencyKey: "hand-over-1")).Expect(HttpStatusCode.OK);
        var repeated = (await agency.Marketing.HandOverAsync(prospect, linkId)).Expect(HttpStatusCode.OK);

        Assert.Equal("Delivered", first.Str("status"));
        Assert.Equal(first.Str("handoverId"), again.Str("handoverId"));
        Assert.Equal(first.Str("handoverId"), repeated.Str("handoverId"));
        var leadId = await client.ClientLeadOfAsync(email);
        var inbox = (await client.Sales.InboxAsync()).Expect(HttpStatusCode.OK);
        var waiting = Assert.Single(inbox.Body!["shared"]!.AsArray())!;
        Assert.Equal(leadId.ToString(), (string)waiting["id"]!);
        Assert.NotNull(waiting["slaDueAt"]);
        var lead = (await client.Sales.GetLeadAsync(leadId)).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal("Mql", (string)lead["stage"]!);
        Assert.StartsWith("Agency: ", (string)lead["source"]!, StringComparison.Ordinal);
        Assert.Equal("Spring webinar", (string)lead["campaign"]!);
        Assert.Equal(("LegitimateInterest", "Agency"), ((string)lead["lawfulBasis"]!["basis"]!, (string)lead["lawfulBasis"]!["source"]!));
        Assert.Equal(first.Str("handoverId"), (string)lead["agency"]!["handoverId"]!);
        Assert.Contains("Handed over by", (string)lead["agency"]!["dataOrigin"]!, StringComparison.Ordinal);
        var reply = Assert.Single(lead["activities"]!.AsArray())!;
        Assert.Equal(("Email", "Inbound", true, false), ((string)reply["type"]!, (string)reply["direction"]!, (bool)reply["fromAgency"]!, (bool)reply["twoWayConversation"]!));
        Assert.Contains("Sounds interesting", (string)reply["notes"]!, StringComparison.Ordinal);
        Assert.Contains("Wants a demo", (string)reply["notes"]!, StringComparison.Ordinal);
        var atClient = Assert.Single((await agency.Sales.HandoversAsync()).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray())!;
        Assert.Equal(("Mql", prospect.ToString()), ((string)atClient["clientStage"]!, (string)atClient["agencyLeadId"]!));

        // Acceptance 5: with only the agency's reply the client has not talked to the person yet.
        (await client.Sales.RecordBantAsync(leadId)).Expect(HttpStatusCode.OK);
        var refused = (await client.Sales.AcceptAsync(leadId)).Expect(HttpStatusCode.Conflict);
        Assert.Equal("conversation", (string)Assert.Single(refused.Body!["missing"]!.AsArray())!["code"]!);

        (await client.Sales.LogConnectedCallAsync(leadId)).Expect(HttpStatusCode.Created);
        var dealId = (await client.Sales.AcceptAsync(leadId)).Expect(HttpStatusCode.OK).Str("dealId")!;
        (await client.Sales.WonAsync(Guid.Parse(dealId))).Expect(HttpStatusCode.OK);

        var seen = Assert.Single((await agency.Sales.HandoversAsync($"?linkId={linkId}")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray())!.AsObject();
        Assert.Equal("Customer", (string)seen["clientStage"]!);
        Assert.NotNull(seen["firstTouchAt"]);
        Assert.NotNull(seen["acceptedAt"]);
        Assert.False(seen.ContainsKey("dealValue"));
        Assert.False(seen.ContainsKey("wonAmount"));
        Assert.False(seen.ContainsKey("reason"));
        Assert.DoesNotContain(leadId.ToString(), seen.ToJsonString(), StringComparison.Ordinal);
        (await agency.Sales.GetLeadAsync(leadId)).Expect(HttpStatusCode.NotFound);
        (await client.Sales.GetLeadAsync(prospect)).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ALinkSharingRevenue_ShowsDealValueAndWonAmount_AndOneSharingReasons_TheRejectionReason()
    {
        var (agency, client, revenueLink) = await AgencyClient.LinkedAsync(app, "Revenue");
        var won = await agency.RepliedProspectAsync();
        var wonEmail = (string)(await agency.Sales.GetLeadAsync(won)).Body!["email"]!;
        (await agency.Marketing.HandOverAsync(won, revenueLink)).Expect(HttpStatusCode.OK);
        var clientLead = await client.ClientLeadOfAsync(wonEmail);
        (await client.Sales.LogConnectedCallAsync(clientLead)).Expect(HttpStatusCode.Created);
        (await client.Sales.RecordBantAsync(clientLead)).Expect(HttpStatusCode.OK);
        var dealId = Guid.Parse((await client.Sales.AcceptAsync(clientLead, 30_000m)).Expect(HttpStatusCode.OK).Str("dealId")!);
        (await client.Sales.WonAsync(dealId, 27_500m)).Expect(HttpStatusCode.OK);

        var second = await app.NewTenantAsync();
        var reasonsLink = (await agency.Admin.InviteAsync(new { clientSlug = second.Slug })).Expect(HttpStatusCode.Created).Id;
        (await second.Admin.AcceptLinkAsync(reasonsLink, "Reasons")).Expect(HttpStatusCode.OK);
        var rejected = await agency.RepliedProspectAsync();
        (await agency.Marketing.HandOverAsync(rejected, reasonsLink)).Expect(HttpStatusCode.OK);
        var secondLead = await second.ClientLeadOfAsync((string)(await agency.Sales.GetLeadAsync(rejected)).Body!["email"]!);
        (await second.Sales.RejectAsync(secondLead, "NoBudget")).Expect(HttpStatusCode.OK);

        var revenue = Assert.Single((await agency.Sales.HandoversAsync($"?linkId={revenueLink}")).Body!["items"]!.AsArray())!.AsObject();
        var reasons = Assert.Single((await agency.Sales.HandoversAsync($"?linkId={reasonsLink}")).Body!["items"]!.AsArray())!.AsObject();
        Assert.Equal((30_000m, 27_500m, "EUR"), ((decimal)revenue["dealValue"]!, (decimal)revenue["wonAmount"]!, (string)revenue["currency"]!));
        Assert.Equal(("Nurture", "NoBudget"), ((string)reasons["clientStage"]!, (string)reasons["reason"]!));
        Assert.False(reasons.ContainsKey("dealValue"));
        Assert.Equal(2, (await agency.Sales.HandoversAsync()).Body!["items"]!.AsArray().Count);
        Assert.Single((await agency.Sales.HandoversAsync("?limit=1")).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task HandingOverAPersonTheClientHas_MakesNoSecondLead_AndTheAgencySeesAlreadyKnownAndNothingElse()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app, "Revenue");
        var email = $"{Guid.NewGuid():N}@known.example.com";
        var known = await client.Marketing.NewLeadAsync(email, "Client's Own Customer B.V.");
        (await client.Marketing.MarkMqlAsync(known)).Expect(HttpStatusCode.OK);
        (await client.Sales.LogConnectedCallAsync(known)).Expect(HttpStatusCode.Created);
        (await client.Sales.RecordBantAsync(known)).Expect(HttpStatusCode.OK);
        var dealId = (await client.Sales.AcceptAsync(known, 55_555m)).Expect(HttpStatusCode.OK).Str("dealId")!;
        var prospect = await agency.RepliedProspectAsync(email);

        var answer = (await agency.Marketing.HandOverAsync(prospect, linkId)).Expect(HttpStatusCode.OK);

        Assert.Equal("AlreadyKnown", answer.Str("status"));
        Assert.Equal(known, await client.ClientLeadOfAsync(email));
        var lead = (await client.Sales.GetLeadAsync(known)).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal("Sql", (string)lead["stage"]!);
        Assert.Contains(lead["activities"]!.AsArray(), a => (bool)a!["fromAgency"]!);
        var seen = Assert.Single((await agency.Sales.HandoversAsync()).Body!["items"]!.AsArray())!;
        Assert.Equal("AlreadyKnown", (string)seen["status"]!);
        Assert.Null(seen["clientStage"]);
        Assert.Null(seen["firstTouchAt"]);
        Assert.Null(seen["acceptedAt"]);
        var text = seen.ToJsonString();
        foreach (var secret in new[] { known.ToString(), dealId, "55555", "Client's Own Customer" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OnlyAnMqlOverAnActiveLink_IsHandedOver_AndAThirdOrganisationFindsNothing()
    {
        var agency = await app.NewTenantAsync();
        var client = await app.NewTenantAsync();
        var third = await app.NewTenantAsync();
        var linkId = (await agency.Admin.InviteAsync(new { clientSlug = client.Slug })).Expect(HttpStatusCode.Created).Id;
        var prospect = await agency.RepliedProspectAsync();
        var iql = await agency.Marketing.NewLeadAsync();

        var pending = (await agency.Marketing.HandOverAsync(prospect, linkId)).Expect(HttpStatusCode.Conflict);
        (await client.Admin.AcceptLinkAsync(linkId)).Expect(HttpStatusCode.OK);
        var notMql = (await agency.Marketing.HandOverAsync(iql, linkId)).Expect(HttpStatusCode.Conflict);
        (await client.Marketing.HandOverAsync(prospect, linkId)).Expect(HttpStatusCode.NotFound);
        (await third.Admin.AcceptLinkAsync(linkId)).Expect(HttpStatusCode.NotFound);
        (await third.Admin.EndLinkAsync(linkId)).Expect(HttpStatusCode.NotFound);
        (await third.Manager.ScorecardAsync(linkId)).Expect(HttpStatusCode.NotFound);
        (await client.Manager.ScorecardAsync(linkId)).Expect(HttpStatusCode.NotFound);
        Assert.Empty((await third.Admin.LinksAsync()).Body!.AsArray());
        Assert.Empty((await client.Manager.HandoversAsync()).Body!["items"]!.AsArray());
        (await client.Admin.EndLinkAsync(linkId)).Expect(HttpStatusCode.OK);
        var ended = (await agency.Marketing.HandOverAsync(prospect, linkId)).Expect(HttpStatusCode.Conflict);

        Assert.Equal("link-not-active", pending.Str("code"));
        Assert.Equal("not-mql", notMql.Str("code"));
        Assert.Equal("link-not-active", ended.Str("code"));
    }

    [Fact]
    public async Task ErasingThePerson_OnEitherSide_ClearsTheAgencysNote_AndKeepsTheHandover()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app);
        const string note = "Ada asked us to call her mobile after six";
        var byAgency = await agency.RepliedProspectAsync();
        var byClient = await agency.RepliedProspectAsync();
        (await agency.Marketing.HandOverAsync(byAgency, linkId, note)).Expect(HttpStatusCode.OK);
        (await agency.Marketing.HandOverAsync(byClient, linkId, note)).Expect(HttpStatusCode.OK);
        var clientLeadOf = async (Guid prospect) => await client.ClientLeadOfAsync((string)(await agency.Sales.GetLeadAsync(prospect)).Body!["email"]!);
        var atClientByAgency = await clientLeadOf(byAgency);
        var atClientByClient = await clientLeadOf(byClient);
        Assert.Equal(note, (string)(await client.Sales.GetLeadAsync(atClientByAgency)).Body!["agency"]!["note"]!);

        var agencyErased = (await agency.Admin.SendAsync(HttpMethod.Post, "/api/v1/privacy/erasures", new { leadId = byAgency, reason = "request" })).Expect(HttpStatusCode.OK);
        var clientErased = (await client.Admin.SendAsync(HttpMethod.Post, "/api/v1/privacy/erasures", new { leadId = atClientByClient, reason = "request" })).Expect(HttpStatusCode.OK);

        Assert.Equal((1, 1), ((int)agencyErased.Body!["agencyNotes"]!, (int)clientErased.Body!["agencyNotes"]!));
        foreach (var leadId in new[] { atClientByAgency, atClientByClient })
        {
            var seen = (await client.Sales.GetLeadAsync(leadId)).Expect(HttpStatusCode.OK).Body!["agency"]!;
            Assert.Null(seen["note"]);
            Assert.Equal("Delivered", (string)seen["status"]!);
        }

        Assert.Equal(2, (await agency.Sales.HandoversAsync()).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task ErasingThePerson_AtTheClient_IsPassedOnToTheAgency_WhichCannotBringThemBack()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app);
        var prospect = await agency.RepliedProspectAsync();
        (await agency.Marketing.HandOverAsync(prospect, linkId)).Expect(HttpStatusCode.OK);
        var email = (string)(await agency.Sales.GetLeadAsync(prospect)).Body!["email"]!;
        var atClient = await client.ClientLeadOfAsync(email);

        var erased = (await client.Admin.SendAsync(HttpMethod.Post, "/api/v1/privacy/erasures", new { leadId = atClient, reason = "request by e-mail" })).Expect(HttpStatusCode.OK);
        Assert.Equal(1, (int)erased.Body!["passedOn"]!);

        // The agency's lead of the person: anonymous, still there for its funnel and scorecard.
        var atAgency = (await agency.Sales.GetLeadAsync(prospect)).Expect(HttpStatusCode.OK).Body!;
        Assert.NotEqual(email, (string)atAgency["email"]!);
        Assert.Null(atAgency["firstName"]);
        Assert.Equal("Delivered", (string)(await agency.Sales.HandoversAsync()).Expect(HttpStatusCode.OK).Body!["items"]![0]!["status"]!);
        // Neither side takes them in again, and the agency's log says who erased and why.
        Assert.Equal("https://leadgate.dev/problems/suppressed", (await agency.Marketing.CreateLeadAsync(new { email })).Expect(HttpStatusCode.Conflict).Str("type"));
        Assert.Equal("https://leadgate.dev/problems/suppressed", (await client.Marketing.CreateLeadAsync(new { email })).Expect(HttpStatusCode.Conflict).Str("type"));
        var logged = (await agency.Admin.SendAsync(HttpMethod.Get, "/api/v1/audit?entity=Person")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray().Single()!;
        Assert.Equal(("person.erased", "System"), ((string)logged["action"]!, (string)logged["actorKind"]!));
        Assert.Contains("Art. 19", (string)logged["reason"]!, StringComparison.Ordinal);

        // Erasing it again at the agency finds nothing left to pass back.
        var again = (await agency.Admin.SendAsync(HttpMethod.Post, "/api/v1/privacy/erasures", new { leadId = prospect, reason = "request" })).Expect(HttpStatusCode.OK);
        Assert.Equal((0, 0), ((int)again.Body!["leads"]!, (int)again.Body["passedOn"]!));
    }

    [Fact]
    public async Task TheLeadsList_WithAgencyTrue_KeepsTheLeadsAnAgencyHandedOver_DeliveredOrAlreadyKnown()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app);
        var delivered = await agency.RepliedProspectAsync();
        (await agency.Marketing.HandOverAsync(delivered, linkId)).Expect(HttpStatusCode.OK);
        var knownEmail = $"{Guid.NewGuid():N}@known.example.com";
        var known = await client.Marketing.NewLeadAsync(knownEmail);
        var own = await client.Marketing.NewLeadAsync();
        Assert.Equal("AlreadyKnown", (await agency.Marketing.HandOverAsync(await agency.RepliedProspectAsync(knownEmail), linkId)).Expect(HttpStatusCode.OK).Str("status"));
        var deliveredAtClient = await client.ClientLeadOfAsync((string)(await agency.Sales.GetLeadAsync(delivered)).Body!["email"]!);

        var fromAgency = (await client.Sales.ListLeadsAsync("?agency=true")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        var all = (await client.Sales.ListLeadsAsync("?agency=false")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        var bad = (await client.Sales.ListLeadsAsync("?agency=maybe")).Expect(HttpStatusCode.BadRequest);
        var atAgency = (await agency.Sales.ListLeadsAsync("?agency=true")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();

        Assert.Equal(new[] { deliveredAtClient, known }.Select(id => id.ToString()).Order(), fromAgency.Select(l => (string)l!["id"]!).Order());
        Assert.Equal(3, all.Count);
        Assert.Contains(all, l => (string)l!["id"]! == own.ToString());
        Assert.NotNull(bad.Body!["errors"]!["agency"]);
        Assert.Empty(atAgency);
    }

    [Fact]
    public async Task TheScorecard_EqualsAnIndependentCountOfTheFixture()
    {
        var (agency, client, linkId) = await AgencyClient.LinkedAsync(app, "Revenue");
        // The fixture: 5 handed over; 1 already known; of the 4 delivered 3 touched, 2 accepted, 1 of them won for 12,000.
        var knownEmail = $"{Guid.NewGuid():N}@known.example.com";
        await client.Marketing.NewLeadAsync(knownEmail);
        var outcomes = new[] { "won", "accepted", "touched", "untouched" };
        var touchedAt = new List<DateTimeOffset>();
        foreach (var outcome in outcomes)
        {
            var prospect = await agency.RepliedProspectAsync();
            (await agency.Marketing.HandOverAsync(prospect, linkId)).Expect(HttpStatusCode.OK);
            var leadId = await client.ClientLeadOfAsync((string)(await agency.Sales.GetLeadAsync(prospect)).Body!["email"]!);
            if (outcome == "untouched")
            {
                continue;
            }

            app.Clock.Advance(TimeSpan.FromMinutes(10 * (touchedAt.Count + 1)));
            (await client.Sales.LogConnectedCallAsync(leadId)).Expect(HttpStatusCode.Created);
            var clock = (await client.Sales.GetLeadAsync(leadId)).Body!["handover"]!;
            touchedAt.Add(DateTimeOffset.Parse((string)clock["firstTouchAt"]!, System.Globalization.CultureInfo.InvariantCulture)
                - (DateTimeOffset.Parse((string)clock["startedAt"]!, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UnixEpoch));
            if (outcome == "touched")
            {
                continue;
            }

            (await client.Sales.RecordBantAsync(leadId)).Expect(HttpStatusCode.OK);
            var dealId = Guid.Parse((await client.Sales.AcceptAsync(leadId)).Expect(HttpStatusCode.OK).Str("dealId")!);
            if (outcome == "won")
            {
                (await client.Sales.WonAsync(dealId, 12_000m)).Expect(HttpStatusCode.OK);
            }
        }

        (await agency.Marketing.HandOverAsync(await agency.RepliedProspectAsync(knownEmail), linkId)).Expect(HttpStatusCode.OK);

        var card = (await agency.Manager.ScorecardAsync(linkId)).Expect(HttpStatusCode.OK).Body!;
        var minutes = touchedAt.Select(t => (t - DateTimeOffset.UnixEpoch).TotalMinutes).Order().ToList();
        Assert.Equal((5, 4, 1, 3, 2, 1), ((int)card["handedOver"]!, (int)card["delivered"]!, (int)card["alreadyKnown"]!, (int)card["firstTouched"]!, (int)card["acceptedAsSql"]!, (int)card["won"]!));
        Assert.Equal((2, 4), ((int)card["acceptanceRate"]!["numerator"]!, (int)card["acceptanceRate"]!["denominator"]!));
        Assert.Equal(0.5, (double)card["acceptanceRate"]!["rate"]!);
        Assert.Equal(minutes[1], (double)card["medianMinutesToFirstTouch"]!, 3);
        Assert.Equal(minutes.Average(), (double)card["averageMinutesToFirstTouch"]!, 3);
        var value = Assert.Single(card["wonValue"]!.AsArray())!;
        Assert.Equal(("EUR", 12_000m), ((string)value["currency"]!, (decimal)value["amount"]!));
        var empty = (await agency.Manager.ScorecardAsync(linkId, "?from=2020-01-01&to=2020-02-01")).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal(0, (int)empty["handedOver"]!);
        Assert.Null(empty["acceptanceRate"]!["rate"]);
        (await agency.Manager.ScorecardAsync(linkId, "?from=2020-02-01&to=2020-01-01")).Expect(HttpStatusCode.BadRequest);
    }
}

public sealed class AgencyApiTests_Sqlite(SqliteApp app) : AgencyApiTests(app), IClassFixture<SqliteApp>;

public sealed class AgencyApiTests_Postgres(PostgresApp app) : AgencyApiTests(app), IClassFixture<PostgresApp>;
