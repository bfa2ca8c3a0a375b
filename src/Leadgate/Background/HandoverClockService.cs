using Leadgate.Handover;

namespace Leadgate.Web.Background;

/// <summary>
/// Runs the response clock's sweep (<see cref="HandoverClock"/>) on every app instance. Instances may sweep at the same
/// moment: each reminder and breach is claimed by one.
/// </summary>
public sealed partial class HandoverClockService(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<HandoverClockService> logger)
    : PeriodicService(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Handover:ClockSeconds", 30), 1, 3_600));

    protected override string JobName => "response clock sweep";

    protected override async Task RunRoundAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var round = await scope.ServiceProvider.GetRequiredService<HandoverClock>().RunAsync(stoppingToken);
        if (round.Reminded + round.Breached > 0)
        {
            LogRound(logger, round.Reminded, round.Breached, round.Escalated);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Response clock: {Reminded} reminded, {Breached} breached, {Escalated} escalated")]
    private static partial void LogRound(ILogger logger, int reminded, int breached, int escalated);
}
