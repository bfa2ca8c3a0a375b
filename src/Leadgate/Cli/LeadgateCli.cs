using System.CommandLine;
using System.CommandLine.Invocation;

namespace Leadgate.Web.Cli;

/// <summary>What every verb needs: where to write, and the configuration switches to compose the services from.</summary>
internal sealed record CliContext(CliConsole Console, IReadOnlyList<string> Configuration)
{
    public Task<int> RunAsync(Func<IServiceProvider, Task<int>> verb, CancellationToken cancellationToken) =>
        CliServices.RunAsync(Configuration, Console, verb, cancellationToken);

    /// <summary>Slugs are lower case by definition; accept "Acme" for "acme".</summary>
    public static string Slug(string? slug) => slug?.Trim().ToLowerInvariant() ?? "";
}

/// <summary>
/// The `leadgate` command: <c>serve</c> (the default) runs the web app; <c>orgs</c>, <c>users</c>, <c>apikeys</c>,
/// <c>demo</c> and <c>import</c> are administrative verbs that call the same use cases in-process; <c>bench</c> runs the
/// benchmarks and <c>fuzz</c> the fuzzers. Configuration switches
/// (<c>--Database:Provider=Postgres</c>, <c>--environment Development</c>) may appear anywhere and go to the host, as they
/// do for the server. docs/cli.md describes every verb and exit code.
/// </summary>
public static class LeadgateCli
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "serve", "orgs", "users", "apikeys", "demo", "import", "export", "privacy", "report", "bench", "fuzz", "--help", "-h", "-?", "--version" };

    // Host settings without a section; every other configuration key has one (Database:Provider), which is how a
    // configuration switch is told apart from a verb's own options.
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase) { "environment", "contentRoot", "applicationName" };

    public static bool IsVerb(string argument) => Verbs.Contains(argument);

    /// <summary>
    /// Whether the command line names a verb (or asks for help) rather than only configuring the server. A first word
    /// that is no verb counts too, so a typo is reported instead of starting the server.
    /// </summary>
    public static bool IsVerb(IReadOnlyList<string> args)
    {
        var (_, commandLine) = Split(args);
        return commandLine.Count > 0
            && (IsVerb(commandLine[0]) || (!commandLine[0].StartsWith('-') && !commandLine[0].Contains('=', StringComparison.Ordinal)));
    }

    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliConsole.FromSystemConsole(), CancellationToken.None);

    internal static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var (configuration, commandLine) = Split(args);
        if (commandLine.Count == 0 || commandLine[0] == "serve" && !commandLine.Skip(1).Any(IsHelp))
        {
            return await ServeAsync(args, cancellationToken);
        }

        var cli = new CliContext(console, configuration);
        var root = new RootCommand("Leadgate: lead qualification and sales funnel. Without a verb, runs the web app (serve).")
        {
            Serve(),
            OrganisationVerbs.Create(cli),
            UserVerbs.Create(cli),
            ApiKeyVerbs.Create(cli),
            DemoVerb.Create(cli),
            ImportVerb.Create(cli),
            ExportVerb.Create(cli),
            PrivacyVerbs.Create(cli),
            ReportVerb.Create(cli),
            BenchVerbs.Create(cli),
            FuzzVerb.Create(cli),
        };

        // No response files: an argument such as --name "@home" is a value, not a file to read.
        var parsed = root.Parse(commandLine, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Action is ParseErrorAction)
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync(error.Message);
            }

            await console.Error.WriteLineAsync($"Run 'leadgate {string.Join(' ', CommandPath(parsed))} --help' for usage.".Replace("  ", " ", StringComparison.Ordinal));
            return ExitCodes.InvalidInput;
        }

        return await parsed.InvokeAsync(
            new InvocationConfiguration
            {
                Output = console.Output,
                Error = console.Error,
                // Our verbs report their own failures; and `serve` leaves Ctrl+C to the web host.
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            },
            cancellationToken);
    }

    /// <summary>Runs the web app with every argument except the verb, so <c>--urls</c> and configuration switches keep working.</summary>
    private static async Task<int> ServeAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var verb = args.ToList().IndexOf("serve");
        var forwarded = args.Where((_, i) => i != verb).ToArray();
        var app = await Server.BuildAsync(forwarded);
        await app.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    /// <summary>Only for help: the server itself is started before parsing, with the raw arguments.</summary>
    private static Command Serve() =>
        new("serve", "Run the web app: UI, API and background work (the default). Takes --urls and any configuration switch")
        {
            new Option<string>("--urls") { Description = "Addresses to listen on, separated by semicolons, e.g. http://0.0.0.0:8080" },
        };

    private static bool IsHelp(string argument) => argument is "--help" or "-h" or "-?";

    private static List<string> CommandPath(ParseResult parsed)
    {
        var path = new List<string>();
        for (var result = parsed.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            path.Insert(0, result.Command.Name);
        }

        return path;
    }

    /// <summary>
    /// Separates configuration switches (<c>--Section:Key=value</c>, <c>--Section:Key value</c>, <c>--environment X</c>)
    /// from the verb and its options.
    /// </summary>
    internal static (IReadOnlyList<string> Configuration, IReadOnlyList<string> CommandLine) Split(IReadOnlyList<string> args)
    {
        var configuration = new List<string>();
        var commandLine = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            var key = argument.StartsWith("--", StringComparison.Ordinal) ? argument[2..].Split('=', 2)[0] : null;
            if (key is null || !(key.Contains(':', StringComparison.Ordinal) || HostKeys.Contains(key)))
            {
                commandLine.Add(argument);
                continue;
            }

            configuration.Add(argument);
            if (!argument.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
            {
                configuration.Add(args[++i]);
            }
        }

        return (configuration, commandLine);
    }
}
