using Leadgate.Pipeline;

namespace Leadgate.Web.Background;

/// <summary>
/// Runs keep-warm's sweep (<see cref="SweepStaleDeals"/>) on every app instance. Instances may sweep at the same moment:
/// each stale spell's notification is claimed by one.
/// </summary>
public sealed partial class StaleDealsService(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<StaleDealsService> logger)
    : PeriodicService(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Pipeline:StaleSweepSeconds", 300), 1, 86_400));

    protected override string JobName => "keep-warm sweep";

    protected override async Task RunRoundAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var round = await scope.ServiceProvider.GetRequiredService<SweepStaleDeals>().RunAsync(stoppingToken);
        if (round.Notified + round.Warmed > 0)
        {
            LogRound(logger, round.Notified, round.Warmed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Keep-warm: {Notified} deals went stale, {Warmed} warm again")]
    private static partial void LogRound(ILogger logger, int notified, int warmed);
}
