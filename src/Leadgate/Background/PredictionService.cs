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
public sealed class PredictionService(RunPredictionSchedule schedule, TimeProvider clock, IOptions<PredictionOptions> options, ILogger<PredictionService> logger)
    : PeriodicService(clock, logger)
{
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Twice per refresh interval (at least every 5 seconds), so an organisation's round is never late by a whole interval.</summary>
    protected override TimeSpan Interval => TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(5).Ticks, options.Value.RefreshInterval.Ticks / 2));

    protected override string JobName => "prediction round";

    protected override Task RunRoundAsync(CancellationToken stoppingToken) =>
        schedule.RunDueAsync(_instance, options.Value.RefreshInterval, options.Value.TrainEvery, stoppingToken);
}
