using System.Collections.Concurrent;
using Leadgate.Intake;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leadgate.Tests.Infrastructure;

/// <summary>One request as the receiver got it: headers, the raw body, and whether its signature checked out.</summary>
public sealed record ReceivedWebhook(string Event, string EventId, string DeliveryId, string Body, SignatureCheck Signature);

/// <summary>A real HTTP server on loopback (Kestrel) that receives outbound webhooks the way a customer's endpoint would.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>Every request, including those answered with a failure.</summary>
    public int Requests => _requests;

    public string Url { get; private set; } = "";

    /// <summary>The secret to check signatures with; set once the subscription exists.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The receiver's clock for the timestamp check; the sending app's controlled clock in tests that move it.</summary>
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>How long the receiver takes to answer, to widen the window two senders could overlap in.</summary>
    public TimeSpan Delay { get; set; }

    private int _requests;

    /// <summary>The next <paramref name="count"/> requests are answered 500.</summary>
    public void FailNext(int count) => _failuresLeft = count;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> webhooks were accepted, or fails after the timeout.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Received.Count < count)
        {
            Assert.True(DateTime.UtcNow < until, $"Only {Received.Count} of {count} webhooks arrived within {timeout}.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            return Results.StatusCode(500);
        }

        var check = WebhookSignature.Verify(
            Secret, request.Headers[WebhookSignature.TimestampHeader], request.Headers[WebhookSignature.SignatureHeader], body, Now());
        Received.Enqueue(new ReceivedWebhook(
            request.Headers["X-Leadgate-Event"].ToString(), request.Headers["X-Leadgate-Event-Id"].ToString(), request.Headers["X-Leadgate-Delivery"].ToString(),
            System.Text.Encoding.UTF8.GetString(body), check));
        return Results.Ok();
    }
}
