using Leadgate.Privacy;

namespace Leadgate.Web.Background;

/// <summary>
/// Runs the retention sweep (<see cref="SweepRetention"/>) on every app instance, on the app's <see cref="TimeProvider"/>:
/// every organisation is swept once a day; instances ask every <c>Privacy:RetentionSweepSeconds</c> (an hour by default),
/// and only one of them claims an organisation's sweep.
/// </summary>
public sealed partial class RetentionService(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<RetentionService> logger) : BackgroundService
{
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Privacy:RetentionSweepSeconds", 3_600), 1, 86_400));
        using var timer = new PeriodicTimer(every, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<SweepRetention>().RunDueAsync(_instance, SweepRetention.DefaultInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed sweep must not stop the clock for good; the next tick tries again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogFailed(logger, exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A retention sweep failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
