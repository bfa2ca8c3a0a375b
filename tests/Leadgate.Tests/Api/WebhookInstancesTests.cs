using System.Net;
using Leadgate.Data;
using Leadgate.Intake;
using Leadgate.Notifications;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>Issue 4, acceptance 7: two app instances on one PostgreSQL database deliver every webhook exactly once.</summary>
public sealed class WebhookInstancesTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    private static readonly string[] Events = ["lead.mql", "lead.assigned"];

    [Fact]
    public async Task TwoInstancesOnOneDatabase_DeliverEveryWebhookOnce()
    {
        await using var first = new SecondInstance(app.ConnectionString, DatabaseProvider.Postgres);
        await using var second = new SecondInstance(app.ConnectionString, DatabaseProvider.Postgres);
        await first.InitializeAsync();
        await second.InitializeAsync();
        var tenant = await app.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(30);
        var created = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = receiver.Url, events = Events }))
            .Expect(HttpStatusCode.Created);
        receiver.Secret = (string)created.Body!["secret"]!;

        // Both instances' background services poll; both are also pushed to work the same queue at the same moments.
        _ = first.Server;
        _ = second.Server;
        const int leads = 40;
        var writes = Enumerable.Range(0, leads).Select(async _ =>
        {
            var id = await tenant.Marketing.NewLeadAsync();
            (await tenant.Marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        });
        await Task.WhenAll(writes.Append(PushAsync(first)).Append(PushAsync(second)).Append(PushAsync(first)).Append(PushAsync(second)));
        await receiver.WaitForAsync(leads, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        var received = receiver.Received.ToList();
        Assert.Equal(leads, received.Count);
        Assert.Equal(leads, received.Select(r => r.EventId).Distinct().Count());
        Assert.All(received, r => Assert.Equal((SignatureCheck.Valid, "lead.mql"), (r.Signature, r.Event)));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => d.OrganisationId == tenant.OrganisationId).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(leads, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Delivered, 1), (d.Status, d.Attempts)));
    }

    private static async Task PushAsync(SecondInstance instance)
    {
        for (var round = 0; round < 20; round++)
        {
            await using var scope = instance.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DeliverWebhooks>().RunOnceAsync(default);
            await Task.Delay(25);
        }
    }
}
