using Leadgate.Scoring;

namespace Leadgate.Web.Background;

/// <summary>
/// Runs the rescoring jobs in the background of every app instance: woken at once when this instance saves a model,
/// and every few seconds to pick up jobs saved on another instance or left behind by one that stopped. The claim in
/// <see cref="RescoreLeads"/> makes sure one instance works a job at a time.
/// </summary>
public sealed partial class RescoreService(IServiceScopeFactory scopes, RescoreSignal signal, ILogger<RescoreService> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RescoreLeads>().RunPendingAsync(_instance, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round must not stop background rescoring for good; the job's lease lets it be retried.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogFailed(logger, exception);
            }

            try
            {
                await signal.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A rescoring round failed; it is retried")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
