namespace Leadgate.Web.Background;

/// <summary>
/// A job every app instance runs at start and then every <see cref="Interval"/>, on the app's <see cref="TimeProvider"/>;
/// the round itself claims what only one instance may do. A failed round is logged and the next tick tries again: one
/// bad round must not stop the job for good.
/// </summary>
public abstract partial class PeriodicService(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the job is called in the log when a round fails, e.g. "keep-warm sweep".</summary>
    protected abstract string JobName { get; }

    protected abstract Task RunRoundAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunRoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round must not stop the job for good; the next tick tries again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogFailed(logger, JobName, exception);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Job} failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, string job, Exception exception);
}
