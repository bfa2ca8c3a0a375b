using Leadgate.Common;
using Spectre.Console;

namespace Leadgate.Web.Cli;

/// <summary>The exit codes of every verb; docs/cli.md lists them and scripts rely on them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int InvalidInput = 2;
    public const int NotFound = 3;
    public const int Conflict = 4;

    public static int For(Error error) => error switch
    {
        Invalid => InvalidInput,
        Common.NotFound => NotFound,
        Common.Conflict or TransitionNotAllowed or RequirementsMissing or PreconditionFailed or Forbidden => Conflict,
        _ => Unexpected,
    };
}

/// <summary>
/// Where a verb writes: results on <see cref="Output"/>, errors on <see cref="Error"/>. Progress bars are drawn on the
/// error stream, and only when it is a terminal, so that redirected output (CI, scripts) stays clean.
/// </summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool interactive)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Interactive { get; } = interactive;

    public static CliConsole FromSystemConsole() =>
        new(Console.Out, Console.Error, !Console.IsErrorRedirected && ProgressConsole().Profile.Capabilities.Interactive);

    /// <summary>Writes a business failure, one line per field for invalid input, and returns its exit code.</summary>
    public async Task<int> FailAsync(Error error)
    {
        switch (error)
        {
            case Invalid invalid:
                foreach (var (field, messages) in invalid.Errors)
                {
                    foreach (var message in messages)
                    {
                        await Error.WriteLineAsync($"{field}: {message}");
                    }
                }

                break;
            case Common.NotFound notFound:
                // The operator typed what was looked for; say it back (the core's message is written for API callers).
                await Error.WriteLineAsync($"{notFound.Entity} '{notFound.Id}' was not found.");
                break;
            default:
                await Error.WriteLineAsync(error.Message);
                break;
        }

        return ExitCodes.For(error);
    }

    /// <summary>Runs work that reports 0–100, with a progress bar on an interactive terminal and silently otherwise.</summary>
    public async Task<T> WithProgressAsync<T>(string description, Func<IProgress<int>?, Task<T>> work)
    {
        if (!Interactive)
        {
            return await work(null);
        }

        return await ProgressConsole().Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context => await work(new TaskProgress(context.AddTask(description, maxValue: 100))));
    }

    private static IAnsiConsole ProgressConsole() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    private sealed class TaskProgress(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }
}
