using Leadgate.Agency;

namespace Leadgate.Web.Background;

/// <summary>
/// Runs the agencies' campaign rules (<see cref="HandOverByCampaign"/>) on every app instance. Instances may sweep at the
/// same moment: each lead is handed over a link once, whichever instance saves first.
/// </summary>
public sealed partial class CampaignRuleService(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<CampaignRuleService> logger)
    : PeriodicService(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Agency:RuleSweepSeconds", 60), 1, 3_600));

    protected override string JobName => "campaign rule sweep";

    protected override async Task RunRoundAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var round = await scope.ServiceProvider.GetRequiredService<HandOverByCampaign>().RunAsync(stoppingToken);
        if (round.Delivered + round.AlreadyKnown + round.Refused > 0)
        {
            LogRound(logger, round.Delivered, round.AlreadyKnown, round.Refused);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign rules, replies handed over: {Delivered} delivered, {AlreadyKnown} already known to the client, {Refused} refused")]
    private static partial void LogRound(ILogger logger, int delivered, int alreadyKnown, int refused);
}
