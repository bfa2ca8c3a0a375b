using Microsoft.Extensions.Logging.Console;

namespace Leadgate.Web.Cli;

/// <summary>
/// The services an administrative verb runs on: composed exactly as the server composes them (appsettings, environment
/// variables, <c>--Database:Provider=…</c> switches, the same registrations), with migrations applied first. Only the
/// logging differs: a verb's output is its answer, so only warnings and errors are logged, on stderr.
/// </summary>
internal static class CliServices
{
    public static async Task<int> RunAsync(
        IReadOnlyList<string> configuration, CliConsole console, Func<IServiceProvider, Task<int>> verb, CancellationToken cancellationToken)
    {
        try
        {
            await using var app = await StartAsync(configuration, cancellationToken);
            await using var scope = app.Services.CreateAsyncScope();
            return await verb(scope.ServiceProvider);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("Cancelled; nothing was changed by the unfinished step.");
            return ExitCodes.Unexpected;
        }
#pragma warning disable CA1031 // The one place a verb's unexpected failure becomes exit code 1 with a message instead of a stack trace.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await console.Error.WriteLineAsync($"leadgate: unexpected error ({exception.GetType().Name}): {exception.Message}");
            return ExitCodes.Unexpected;
        }
    }

    /// <summary>A verb's output is its answer: whatever appsettings says, only warnings and errors are logged, on stderr.</summary>
    public static void LogWarningsToStandardError(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        // After appsettings' Logging section is applied: whatever it says, a verb logs warnings and errors only.
        builder.Services.PostConfigure<LoggerFilterOptions>(filter =>
        {
            filter.Rules.Clear();
            filter.MinLevel = LogLevel.Warning;
            // On a new PostgreSQL database EF logs a failed read of the migrations history table as an error, although
            // migrating goes on fine (npgsql/efcore.pg#3407, dotnet/efcore#37328). A command that really fails throws,
            // and the verb reports that exception, so this category adds nothing but alarm.
            filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None, null));
        });
    }

    /// <summary>Builds the app's services without starting the web server, and migrates the database.</summary>
    public static async Task<WebApplication> StartAsync(IReadOnlyList<string> configuration, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. Server.HostDefaults, .. configuration] });
        LogWarningsToStandardError(builder);
        builder.Services.AddLeadgate(builder.Configuration);

        var app = builder.Build();
        try
        {
            await app.Services.PrepareDatabaseAsync(seedDemo: false, cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
