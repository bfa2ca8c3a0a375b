using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Data;
using Leadgate.Intake;
using Leadgate.Notifications;
using Leadgate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>Issue 4: the outbox, in-app notifications and signed outbound webhooks, on SQLite and PostgreSQL.</summary>
public abstract class NotificationTests(TestApp app)
{
    private static readonly string[] Mql = ["lead.mql"];
    private static readonly string[] Sql = ["lead.sql"];
    private static readonly string[] SqlAndMql = ["lead.sql", "lead.mql"];

    [Fact]
    public async Task ASubscription_GetsSignedDeliveries_OfExactlyTheEventsItAskedFor_WithoutPersonalData()
    {
        var tenant = await app.NewTenantAsync();
        await using var receiver = await ReceiverAsync();
        receiver.Secret = await SubscribeAsync(tenant, receiver, "lead.mql", "lead.sql");

        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        (await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.OK);
        var other = await tenant.Marketing.NewLeadAsync();
        (await tenant.Manager.AssignAsync(other, tenant.Sales.Member.Id)).Expect(HttpStatusCode.OK);
        await app.DeliverWebhooksAsync();

        var received = receiver.Received.ToList();
        Assert.Equal(["lead.mql", "lead.sql"], received.Select(r => r.Event));
        Assert.All(received, r => Assert.Equal(SignatureCheck.Valid, r.Signature));
        var sql = JsonNode.Parse(received[1].Body)!;
        Assert.Equal(("lead.sql", received[1].EventId, id.ToString()), ((string)sql["type"]!, (string)sql["id"]!, (string)sql["data"]!["leadId"]!));
        Assert.Equal(("Mql", "Sql"), ((string)sql["data"]!["from"]!, (string)sql["data"]!["to"]!));
        Assert.NotNull(sql["data"]!["dealId"]);
        Assert.All(received, r => Assert.DoesNotContain("@lead.example.com", r.Body, StringComparison.Ordinal));
        Assert.All(received, r => Assert.DoesNotContain("Femke", r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARejectionAndADisqualificationOfAnMql_AreBothAnnouncedAsRejected_WithReasonAndRevisitDate()
    {
        var tenant = await app.NewTenantAsync();
        await using var receiver = await ReceiverAsync();
        receiver.Secret = await SubscribeAsync(tenant, receiver, "lead.rejected");
        var rejected = await MqlAsync(tenant);
        var disqualified = await MqlAsync(tenant);
        var revisit = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddMonths(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        (await tenant.Sales.RejectAsync(rejected, revisitOn: revisit)).Expect(HttpStatusCode.OK);
        (await tenant.Sales.DisqualifyAsync(disqualified, "Competitor")).Expect(HttpStatusCode.OK);
        await app.DeliverWebhooksAsync();

        var bodies = receiver.Received.Select(r => JsonNode.Parse(r.Body)!["data"]!).ToList();
        Assert.Equal(
            [(rejected.ToString(), "Nurture", "NotReadyToBuy", revisit), (disqualified.ToString(), "Disqualified", "Competitor", null)],
            bodies.Select(b => ((string)b["leadId"]!, (string)b["to"]!, (string)b["reason"]!, (string?)b["revisitOn"])));
    }

    [Fact]
    public async Task AFailingReceiver_IsRetriedWithBackOff_AndTheDeliveryLogShowsEachAttempt()
    {
        var tenant = await app.NewTenantAsync();
        await using var receiver = await ReceiverAsync();
        receiver.Secret = await SubscribeAsync(tenant, receiver, "lead.mql");
        var hook = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhooks")).Expect(HttpStatusCode.OK).Body!.AsArray()[0]!;
        receiver.FailNext(2);
        await MqlAsync(tenant);

        await app.DeliverWebhooksAsync();
        var log = await tenant.Admin.OnlyWebhookDeliveryAsync((string)hook["id"]!);
        Assert.Equal(("Pending", 1, 500), ((string)log["status"]!, (int)log["attempts"]!, (int)log["lastStatusCode"]!));
        Assert.NotNull(log["nextAttemptAt"]);

        await app.DeliverWebhooksAsync();
        Assert.Equal(1, receiver.Requests);

        app.Clock.Advance(WebhookDelivery.BackOff(1));
        await app.DeliverWebhooksAsync();
        Assert.Equal(2, receiver.Requests);
        app.Clock.Advance(WebhookDelivery.BackOff(1));
        await app.DeliverWebhooksAsync();
        Assert.Equal(2, receiver.Requests);
        Assert.True(WebhookDelivery.BackOff(2) == 2 * WebhookDelivery.BackOff(1), "The wait doubles after each failure.");

        app.Clock.Advance(WebhookDelivery.BackOff(2));
        await app.DeliverWebhooksAsync();
        log = await tenant.Admin.OnlyWebhookDeliveryAsync((string)hook["id"]!);
        Assert.Equal(("Delivered", 3, 200), ((string)log["status"]!, (int)log["attempts"]!, (int)log["lastStatusCode"]!));
        Assert.Single(receiver.Received);
        Assert.Equal(SignatureCheck.Valid, receiver.Received.Single().Signature);
    }

    [Fact]
    public async Task AnUnreachableReceiver_GivesUpAfterTheLastAttempt()
    {
        var tenant = await app.NewTenantAsync();
        var created = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = "http://127.0.0.1:9/nothing-listens", events = Mql }))
            .Expect(HttpStatusCode.Created);
        await MqlAsync(tenant);

        for (var attempt = 1; attempt <= WebhookDelivery.MaxAttempts; attempt++)
        {
            await app.DeliverWebhooksAsync();
            app.Clock.Advance(WebhookDelivery.BackOff(attempt));
        }

        var log = await tenant.Admin.OnlyWebhookDeliveryAsync((string)created.Body!["subscription"]!["id"]!);
        Assert.Equal(("Failed", WebhookDelivery.MaxAttempts), ((string)log["status"]!, (int)log["attempts"]!));
        Assert.Contains("reach", (string)log["lastError"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASubscription_ShowsItsSecretOnce_AndOnlyAdminsManageThem()
    {
        var tenant = await app.NewTenantAsync();
        var created = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = "https://crm.example.com/hooks", events = SqlAndMql }))
            .Expect(HttpStatusCode.Created);
        Assert.StartsWith("whsec_", (string)created.Body!["secret"]!, StringComparison.Ordinal);
        Assert.Equal(["lead.mql", "lead.sql"], created.Body!["subscription"]!["events"]!.AsArray().Select(e => (string)e!));

        var list = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhooks")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain("whsec_", list.Text, StringComparison.Ordinal);
        (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/settings/webhooks")).Expect(HttpStatusCode.Forbidden);
        (await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = "https://x.example.com", events = Sql })).Expect(HttpStatusCode.Forbidden);

        var id = (string)created.Body!["subscription"]!["id"]!;
        (await tenant.Admin.SendAsync(HttpMethod.Delete, $"/api/v1/settings/webhooks/{id}")).Expect(HttpStatusCode.NoContent);
        Assert.Empty((await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhooks")).Body!.AsArray());
    }

    [Theory]
    [InlineData("ftp://crm.example.com/hooks", "lead.sql", "url")]
    [InlineData("/relative", "lead.sql", "url")]
    [InlineData("https://user:pw@crm.example.com/", "lead.sql", "url")]
    [InlineData("https://crm.example.com/hooks", "lead.won", "events")]
    [InlineData("https://crm.example.com/hooks", "", "events")]
    public async Task ABadSubscription_IsRefused_NamingTheField(string url, string events, string field)
    {
        var tenant = await app.NewTenantAsync();
        var answer = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url, events = events.Length == 0 ? [] : new[] { events } }))
            .Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(answer.Body!["errors"]![field]);
        Assert.Empty((await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhooks")).Body!.AsArray());
    }

    [Fact]
    public async Task AnAssignedRep_IsNotifiedInTheApp_AndCanMarkItRead_ButNotForALeadTheyTookThemselves()
    {
        var tenant = await app.NewTenantAsync();
        var assigned = await MqlAsync(tenant);
        var taken = await MqlAsync(tenant);

        (await tenant.Manager.AssignAsync(assigned, tenant.Sales.Member.Id)).Expect(HttpStatusCode.OK);
        (await tenant.Sales.AssignAsync(taken, tenant.Sales.Member.Id)).Expect(HttpStatusCode.OK);

        var mine = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/notifications")).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal(1, (int)mine["unread"]!);
        var item = mine["items"]!.AsArray().Single()!;
        Assert.Equal(("LeadAssigned", assigned.ToString(), "Femke de Vries", false), ((string)item["kind"]!, (string)item["leadId"]!, (string)item["lead"]!, (bool)item["read"]!));
        Assert.Equal(0, (int)(await tenant.Sales2.SendAsync(HttpMethod.Get, "/api/v1/notifications")).Body!["unread"]!);

        var other = await app.NewTenantAsync();
        (await other.Sales.SendAsync(HttpMethod.Post, $"/api/v1/notifications/{item["id"]}/read")).Expect(HttpStatusCode.NotFound);
        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/notifications/{item["id"]}/read")).Expect(HttpStatusCode.NoContent);
        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/notifications/{item["id"]}/read")).Expect(HttpStatusCode.NoContent);
        var after = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/notifications")).Body!;
        Assert.Equal((0, true), ((int)after["unread"]!, (bool)after["items"]![0]!["read"]!));
    }

    [Fact]
    public async Task AHappening_IsWrittenInTheSameTransactionAsItsChange_SoARefusedMoveAnnouncesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.Conflict);
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var kinds = db.Happenings.Where(h => h.LeadId == id).Select(h => h.Kind).ToList();
        Assert.Equal([HappeningKind.LeadMql], kinds);
    }

    private async Task<WebhookReceiver> ReceiverAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        receiver.Now = app.Clock.GetUtcNow;
        return receiver;
    }

    private static async Task<Guid> MqlAsync(Tenant tenant)
    {
        var id = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        return id;
    }

    private static async Task<string> SubscribeAsync(Tenant tenant, WebhookReceiver receiver, params string[] events)
    {
        var created = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = receiver.Url, events })).Expect(HttpStatusCode.Created);
        return (string)created.Body!["secret"]!;
    }
}

public sealed class NotificationTests_Sqlite(SqliteApp app) : NotificationTests(app), IClassFixture<SqliteApp>;

public sealed class NotificationTests_Postgres(PostgresApp app) : NotificationTests(app), IClassFixture<PostgresApp>;
