using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadgate.Accounts;
using Leadgate.Intake;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Leadgate.Web.Cli;

/// <summary>
/// <c>leadgate fuzz api</c>: a schema-driven fuzz of every operation of the running app's OpenAPI document (issue 15,
/// acceptance 6). It starts the real app on Kestrel on a temporary SQLite database, seeds an organisation with a user and
/// an API key in every role and leads in several stages, reads <c>/openapi/v1.json</c> from the app, and sends requests
/// generated from it — valid ones, then mutated path, query, header and body values — with the key of a random role. A
/// finding is any 5xx, a 4xx that is not an RFC 9457 problem (<c>application/problem+json</c> with <c>type</c>,
/// <c>title</c>, <c>status</c> equal to the HTTP status, and <c>detail</c>), or no answer within the time-out. Each
/// distinct finding's request is saved. docs/fuzzing.md describes it.
/// </summary>
internal static class FuzzApi
{
    private static readonly string[] RoleNames = [Roles.Admin, Roles.Marketing, Roles.Sales, Roles.Manager];

    public static Command Create(CliContext cli)
    {
        var seconds = new Option<int>("--seconds") { Description = "How long to fuzz", DefaultValueFactory = _ => 60 };
        var seed = new Option<int?>("--seed") { Description = "The random seed (a run with the same seed sends the same kinds of requests); random when left out" };
        var crashes = new Option<DirectoryInfo>("--crashes") { Description = "Where the requests of findings are saved", DefaultValueFactory = _ => new DirectoryInfo("fuzz-crashes") };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one request may take before it counts as a hang", DefaultValueFactory = _ => 20 };
        var command = new Command("api", "Every operation of the HTTP API, from its OpenAPI document: 5xx, non-problem errors and hangs are findings") { seconds, seed, crashes, timeout };
        command.SetAction((parse, cancellationToken) => RunAsync(cli,
            new Options(parse.GetValue(seconds), parse.GetValue(seed) ?? RandomNumberGenerator.GetInt32(int.MaxValue), parse.GetValue(crashes)!, parse.GetValue(timeout)),
            cancellationToken));
        return command;
    }

    internal sealed record Options(int Seconds, int Seed, DirectoryInfo Crashes, int TimeoutSeconds);

    /// <param name="configure">Called on the built app before it starts: a test adds an endpoint of its own here.</param>
    internal static async Task<int> RunAsync(CliContext cli, Options options, CancellationToken cancellationToken, Action<WebApplication>? configure = null)
    {
        if (options.Seconds < 1 || options.TimeoutSeconds < 1)
        {
            await cli.Console.Error.WriteLineAsync("--seconds and --timeout must be at least 1.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        var app = await StartAsync(database.Configuration(cli), configure, cancellationToken);
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var keys = await SeedUsersAsync(app.Services, cancellationToken);
            using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            {
                BaseAddress = address,
                Timeout = Timeout.InfiniteTimeSpan,
            };
            var document = JsonNode.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), cancellationToken))!;
            var operations = ApiOperation.Read(document);
            var random = new Random(options.Seed);
            var run = new FuzzApiRun(client, document, operations, keys, random, options, cli);
            await cli.Console.Error.WriteLineAsync($"fuzz api: seed {options.Seed}, {operations.Count} operations in the document, app on {address}, {options.Seconds} s");
            await run.SeedAsync(cancellationToken);
            await run.FuzzAsync(cancellationToken);

            await BenchReport.ResultAsync(cli, new
            {
                fuzz = "api",
                seed = options.Seed,
                seconds = BenchReport.Round(run.Elapsed.TotalSeconds, 1),
                requests = run.Requests,
                requestsPerSecond = BenchReport.PerSecond(run.Requests, run.Elapsed),
                operations = new { covered = run.Covered.Count, total = operations.Count },
                uncovered = operations.Select(o => o.Name).Where(n => !run.Covered.Contains(n)).ToList(),
                statuses = run.Statuses.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value),
                findings = run.Findings,
                hangs = run.Hangs,
                serverRefusals = run.ServerRefusals,
                distinctFindings = run.Distinct.Keys.ToList(),
                findingFiles = run.Distinct.Values.ToList(),
                loadAverage,
            });
            return run.Findings == 0 ? ExitCodes.Ok : ExitCodes.Unexpected;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private static async Task<WebApplication> StartAsync(IReadOnlyList<string> configuration, Action<WebApplication>? configure, CancellationToken cancellationToken)
    {
        // The fuzzer sets its own rate limit, far above what it sends, before the caller's switches (which may change it).
        string[] args = ["--RateLimits:Api:PermitLimit=1000000000", .. configuration, $"--applicationName={typeof(Server).Assembly.GetName().Name}", "--urls=http://127.0.0.1:0"];
        var app = await Server.BuildAsync(args, builder =>
        {
            CliServices.LogWarningsToStandardError(builder);
            builder.Services.PostConfigure<LoggerFilterOptions>(filter =>
            {
                filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.StaticFiles", LogLevel.None, null));
                filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.DataProtection", LogLevel.None, null));
                // Findings are reported by the fuzzer with their request; the host's own error logs would only repeat them.
                filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore", LogLevel.Critical, null));
                filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.EntityFrameworkCore", LogLevel.Critical, null));
            });
        });
        try
        {
            configure?.Invoke(app);
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The organisation <c>fuzz</c> with one user and one API key per role.</summary>
    private static async Task<IReadOnlyList<(string Role, string Key)>> SeedUsersAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        const string slug = "fuzz";
        Expect(await provider.GetRequiredService<CreateOrganisation>().HandleAsync(slug, "Fuzz", "EUR", cancellationToken));
        var keys = new List<(string, string)>();
        foreach (var role in RoleNames)
        {
            var email = $"{role.ToLowerInvariant()}@fuzz.example.com";
            Expect(await provider.GetRequiredService<AddUser>().HandleAsync(slug, email, [role], null, "Fuzz " + role, cancellationToken));
            keys.Add((role, Expect(await provider.GetRequiredService<CreateApiKey>().HandleAsync(slug, email, "fuzz", cancellationToken)).Secret));
        }

        return keys;
    }

    private static T Expect<T>(Common.Result<T> result) =>
        result.Error is { } error ? throw new InvalidOperationException("Seeding the fuzz organisation failed: " + error.Message) : result.Value;

    internal static string Signature(string secret, long unixSeconds, byte[] body) => WebhookSignature.Sign(secret, unixSeconds, body);
}
