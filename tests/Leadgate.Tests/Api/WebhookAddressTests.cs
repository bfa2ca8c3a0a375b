using System.Net;
using Leadgate.Data;
using Leadgate.Notifications;
using Leadgate.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>
/// With <c>Webhooks:AllowPrivateNetworks</c> off (the default), outbound webhooks never reach loopback, private or
/// link-local addresses: registration refuses what it can see, and the connection refuses what a name resolves to.
/// </summary>
public abstract class WebhookAddressTests(TestApp app)
{
    private static readonly string[] Mql = ["lead.mql"];

    [Theory]
    [InlineData("http://127.0.0.1:5432/")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://localhost:8080/hook")]
    public async Task ASubscriptionToAPrivateOrLoopbackAddress_IsRefused_NamingTheUrl(string url)
    {
        var tenant = await app.NewTenantAsync();

        var answer = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url, events = Mql })).Expect(HttpStatusCode.BadRequest);

        Assert.Equal("https://leadgate.dev/problems/validation", (string)answer.Body!["type"]!);
        Assert.Contains("public internet", (string)answer.Body!["errors"]!["url"]![0]!, StringComparison.Ordinal);
        Assert.Empty((await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhooks")).Body!.AsArray());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task ADeliveryToAReceiverOnLoopback_NeverConnects_AndFailsLikeAnyUnreachableReceiver(string host)
    {
        var tenant = await app.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        // Stored as if registration had let it through: a name whose DNS answer points inside, or changed since.
        var url = new UriBuilder(receiver.Url) { Host = host }.Uri;
        var subscriptionId = await StoreSubscriptionAsync(tenant, url);
        var lead = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.MarkMqlAsync(lead)).Expect(HttpStatusCode.OK);

        await app.DeliverWebhooksAsync();
        var log = await tenant.Admin.OnlyWebhookDeliveryAsync(subscriptionId);
        Assert.Equal(("Pending", 1), ((string)log["status"]!, (int)log["attempts"]!));
        Assert.Null(log["lastStatusCode"]);
        Assert.Contains("AllowPrivateNetworks", (string)log["lastError"]!, StringComparison.Ordinal);
        Assert.NotNull(log["nextAttemptAt"]);

        for (var attempt = 1; attempt < WebhookDelivery.MaxAttempts; attempt++)
        {
            app.Clock.Advance(WebhookDelivery.BackOff(attempt));
            await app.DeliverWebhooksAsync();
        }

        log = await tenant.Admin.OnlyWebhookDeliveryAsync(subscriptionId);
        Assert.Equal(("Failed", WebhookDelivery.MaxAttempts), ((string)log["status"]!, (int)log["attempts"]!));
        Assert.Equal(0, receiver.Requests);
    }

    private async Task<string> StoreSubscriptionAsync(Tenant tenant, Uri url)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var protector = WebhookSubscriptionSecrets.Protector(scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>());
        var (subscription, _) = WebhookSubscription.Create(tenant.OrganisationId, url, [HappeningKind.LeadMql], protector.Protect, "tests", app.Clock.GetUtcNow());
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return subscription.Id.ToString();
    }
}

public sealed class WebhookAddressTests_Sqlite(SqliteAppOffPrivateNetworks app) : WebhookAddressTests(app), IClassFixture<SqliteAppOffPrivateNetworks>;

public sealed class WebhookAddressTests_Postgres(PostgresAppOffPrivateNetworks app) : WebhookAddressTests(app), IClassFixture<PostgresAppOffPrivateNetworks>;
