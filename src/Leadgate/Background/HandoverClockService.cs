using Leadgate.Handover;

namespace Leadgate.Web.Background;

/// <summary>
/// Runs the response clock's sweep (<see cref="HandoverClock"/>) on every app instance, on the app's
/// <see cref="TimeProvider"/>. Instances may sweep at the same moment: each reminder and breach is claimed by one.
/// </summary>
public sealed partial class HandoverClockService(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<HandoverClockService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Handover:ClockSeconds", 30), 1, 3_600));
        using var timer = new PeriodicTimer(every, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var round = await scope.ServiceProvider.GetRequiredService<HandoverClock>().RunAsync(stoppingToken);
                if (round.Reminded + round.Breached > 0)
                {
                    LogRound(logger, round.Reminded, round.Breached, round.Escalated);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Response clock: {Reminded} reminded, {Breached} breached, {Escalated} escalated")]
    private static partial void LogRound(ILogger logger, int reminded, int breached, int escalated);

    [LoggerMessage(Level = LogLevel.Error, Message = "A response clock sweep failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
