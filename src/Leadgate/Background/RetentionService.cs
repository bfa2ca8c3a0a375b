using Leadgate.Privacy;

namespace Leadgate.Web.Background;

/// <summary>
/// Runs the retention sweep (<see cref="SweepRetention"/>) on every app instance: every organisation is swept once a day;
/// instances ask every <c>Privacy:RetentionSweepSeconds</c> (an hour by default), and only one of them claims an
/// organisation's sweep.
/// </summary>
public sealed class RetentionService(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<RetentionService> logger)
    : PeriodicService(clock, logger)
{
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Privacy:RetentionSweepSeconds", 3_600), 1, 86_400));

    protected override string JobName => "retention sweep";

    protected override async Task RunRoundAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SweepRetention>().RunDueAsync(_instance, SweepRetention.DefaultInterval, stoppingToken);
    }
}
