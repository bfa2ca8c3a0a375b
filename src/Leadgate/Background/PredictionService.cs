using System.ComponentModel.DataAnnotations;
using Leadgate.Prediction;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Background;

/// <summary>The "Prediction" configuration section.</summary>
public sealed class PredictionOptions
{
    public const string Section = "Prediction";

    /// <summary>Run the prediction rounds (stored likelihoods of new and changed leads, scheduled training) on this instance.</summary>
    public bool Background { get; set; } = true;

    /// <summary>How often an organisation's new and changed leads get their stored likelihood.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00", ErrorMessage = "Prediction:RefreshInterval must lie between 00:00:05 and 1.00:00:00 (a day).")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a new model version is trained on a schedule; off (empty) by default: an admin trains on demand.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "Prediction:TrainEvery must lie between 01:00:00 and 365.00:00:00, or be left out (off).")]
    public TimeSpan? TrainEvery { get; set; }
}

/// <summary>Runs <see cref="RunPredictionSchedule"/> on every app instance; its claims make sure one instance does each round.</summary>
public sealed partial class PredictionService(RunPredictionSchedule schedule, TimeProvider clock, IOptions<PredictionOptions> options, ILogger<PredictionService> logger) : BackgroundService
{
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(5).Ticks, settings.RefreshInterval.Ticks / 2));
        using var timer = new PeriodicTimer(every, clock);
        do
        {
            try
            {
                await schedule.RunDueAsync(_instance, settings.RefreshInterval, settings.TrainEvery, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round must not stop prediction for good; the next tick tries again.
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

    [LoggerMessage(Level = LogLevel.Error, Message = "A prediction round failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
