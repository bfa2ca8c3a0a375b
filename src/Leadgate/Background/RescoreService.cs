using System.ComponentModel.DataAnnotations;
using Leadgate.Scoring;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Background;

/// <summary>The "Scoring" configuration section's background work: <c>Scoring:BackgroundRescore</c> and <c>Scoring:DecaySweepInterval</c>.</summary>
public sealed class BackgroundScoringOptions
{
    public const string Section = "Scoring";

    /// <summary>Run rescore jobs and decay sweeps on this instance.</summary>
    public bool BackgroundRescore { get; set; } = true;

    /// <summary>How often every organisation's stored scores are refreshed for decay: at least daily, at most every minute.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Scoring:DecaySweepInterval must lie between 00:01:00 and 1.00:00:00 (a day).")]
    public TimeSpan DecaySweepInterval { get; set; } = SweepDecay.DefaultInterval;
}

/// <summary>
/// Runs the rescoring jobs and the decay sweeps in the background of every app instance: woken at once when this
/// instance saves a model, and every few seconds to pick up jobs saved on another instance, sweeps that are due, or work
/// left behind by an instance that stopped. The claims in <see cref="RescoreLeads"/> and <see cref="SweepDecay"/> make
/// sure one instance works a job or a sweep at a time.
/// </summary>
public sealed partial class RescoreService(IServiceScopeFactory scopes, RescoreSignal signal, IOptions<BackgroundScoringOptions> options, ILogger<RescoreService> logger) : BackgroundService
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
                // A model change comes first: its rescoring refreshes decay too.
                await scope.ServiceProvider.GetRequiredService<SweepDecay>().RunDueAsync(_instance, options.Value.DecaySweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round must not stop background scoring for good; the leases let the work be retried.
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

    [LoggerMessage(Level = LogLevel.Error, Message = "A background scoring round (rescoring or decay sweep) failed; it is retried")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
