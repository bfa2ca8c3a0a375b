using Leadgate.Pipeline;

namespace Leadgate.Web.Background;

/// <summary>
/// Runs keep-warm's sweep (<see cref="SweepStaleDeals"/>) on every app instance, on the app's <see cref="TimeProvider"/>.
/// Instances may sweep at the same moment: each stale spell's notification is claimed by one.
/// </summary>
public sealed partial class StaleDealsService(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<StaleDealsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Pipeline:StaleSweepSeconds", 300), 1, 86_400));
        using var timer = new PeriodicTimer(every, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var round = await scope.ServiceProvider.GetRequiredService<SweepStaleDeals>().RunAsync(stoppingToken);
                if (round.Notified + round.Warmed > 0)
                {
                    LogRound(logger, round.Notified, round.Warmed);
                }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Keep-warm: {Notified} deals went stale, {Warmed} warm again")]
    private static partial void LogRound(ILogger logger, int notified, int warmed);

    [LoggerMessage(Level = LogLevel.Error, Message = "A keep-warm sweep failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
