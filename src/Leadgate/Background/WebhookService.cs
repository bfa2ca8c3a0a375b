using Leadgate.Notifications;

namespace Leadgate.Web.Background;

/// <summary>
/// Sends outbound webhooks from every app instance: every couple of seconds it queues new happenings and sends what is
/// due. <see cref="DeliverWebhooks"/> claims each delivery so that only one instance sends it.
/// </summary>
public sealed partial class WebhookService(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<WebhookService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(configuration.GetValue("Webhooks:PollMilliseconds", 2_000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DeliverWebhooks>().RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round must not stop webhook delivery for good; leases let the work be retried.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogFailed(logger, exception);
            }

            try
            {
                await Task.Delay(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A webhook delivery round failed; it is retried")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
