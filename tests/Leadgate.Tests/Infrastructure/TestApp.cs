using System.Net.Http.Headers;
using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Notifications;
using Leadgate.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Leadgate.Tests.Infrastructure;

/// <summary>
/// The real app, in-process, on a real database of the given provider. Tests share one app per class and get a fresh
/// organisation each (<see cref="NewTenantAsync"/>), so they never see each other's data.
/// </summary>
public abstract class TestApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private int _tenants;

    /// <summary>Starts at the real time and moves a millisecond each time it is read, so events keep their order.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    public abstract DatabaseProvider Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync();

    private string? _connectionString;

    /// <summary>The database this app runs on; a second app instance may be started on it.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is made first.");

    /// <summary>Tests drive webhook delivery themselves (<c>DeliverWebhooks.RunOnceAsync</c>) unless an app says otherwise.</summary>
    protected virtual bool WebhooksInBackground => false;

    /// <summary>
    /// Tests deliver webhooks to a receiver on loopback (<see cref="WebhookReceiver"/>), which production refuses; the
    /// apps that prove that refusal say otherwise.
    /// </summary>
    protected virtual bool AllowPrivateNetworks => true;

    /// <summary>The API's rate limit per key in this app (per 10 s); an app that tests the limit sets a small one.</summary>
    protected virtual int RateLimitPerWindow => 1_000_000;

    /// <summary>The rate limit's window in this app; a loaded machine must not let a test's requests slide out of it.</summary>
    protected virtual int RateLimitWindowSeconds => 10;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await CreateDatabaseAsync();
        await Services.PrepareDatabaseAsync(seedDemo: false);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("Database:ConnectionString", _connectionString ?? throw new InvalidOperationException("The database is made first."));
        builder.UseSetting("Webhooks:Background", WebhooksInBackground ? "true" : "false");
        builder.UseSetting("Webhooks:PollMilliseconds", "50");
        builder.UseSetting("Webhooks:AllowPrivateNetworks", AllowPrivateNetworks ? "true" : "false");
        // Tests run the prediction rounds themselves (RunPredictionSchedule.RunDueAsync), on the controlled clock.
        builder.UseSetting("Prediction:Background", "false");
        // The suite sends many requests with few keys: its own rate limit is far above them (RateLimitTests proves the limit).
        builder.UseSetting("RateLimits:Api:PermitLimit", RateLimitPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:Api:WindowSeconds", RateLimitWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Imports:Folder", Path.Combine(Path.GetTempPath(), "leadgate-test-imports"));
        builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider()));
        builder.ConfigureServices(services =>
        {
            // Requests run in the calling test's context, so the app's log lines land in that test's output.
            services.Configure<Microsoft.AspNetCore.TestHost.TestServerOptions>(options => options.PreserveExecutionContext = true);
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);

            // Tests drive the rescoring themselves (RescoreLeads.RunPendingAsync), on the controlled clock.
            foreach (var rescoring in services.Where(d => d.ImplementationType == typeof(Leadgate.Web.Background.RescoreService)).ToList())
            {
                services.Remove(rescoring);
            }

            // Tests run the response clock (HandoverClock.RunAsync) and the other sweeps themselves, on the controlled clock.
            foreach (var sweep in services.Where(d => d.ImplementationType == typeof(Leadgate.Web.Background.HandoverClockService)
                || d.ImplementationType == typeof(Leadgate.Web.Background.StaleDealsService)
                || d.ImplementationType == typeof(Leadgate.Web.Background.RetentionService)
                || d.ImplementationType == typeof(Leadgate.Web.Background.CampaignRuleService)).ToList())
            {
                services.Remove(sweep);
            }

            // Hashing passwords slowly protects real users; in tests it only costs time.
            services.Configure<PasswordHasherOptions>(options => options.IterationCount = 1_000);
        });
    }

    /// <summary>A new organisation with a user (and API key) per role, plus a second sales rep.</summary>
    public async Task<Tenant> NewTenantAsync()
    {
        var number = Interlocked.Increment(ref _tenants);
        var slug = $"org{number}-{Guid.NewGuid():N}"[..20];
        await using var scope = Services.CreateAsyncScope();
        var organisation = await scope.ServiceProvider.GetRequiredService<CreateOrganisation>().HandleAsync(slug, $"Organisation {number}", "EUR", default);
        var members = new Dictionary<string, Member>();
        foreach (var (key, role) in new[] { ("marketing", Roles.Marketing), ("sales", Roles.Sales), ("sales2", Roles.Sales), ("manager", Roles.Manager), ("admin", Roles.Admin) })
        {
            members[key] = await AddMemberAsync(slug, $"{key}@{slug}.example.com", role);
        }

        return new Tenant(this, organisation.Value.Id, slug, members);
    }

    /// <summary>One round of webhook work, as the background service would do it: queue what happened, send what is due.</summary>
    public async Task DeliverWebhooksAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DeliverWebhooks>().RunOnceAsync(default);
    }

    public async Task<Member> AddMemberAsync(string slug, string email, string role)
    {
        await using var scope = Services.CreateAsyncScope();
        var added = await scope.ServiceProvider.GetRequiredService<AddUser>().HandleAsync(slug, email, [role], "Test-password-1", null, default);
        var user = added.Value.User;
        var key = await scope.ServiceProvider.GetRequiredService<CreateApiKey>().HandleAsync(slug, email, "tests", default);
        return new Member(user.Id, email, role, key.Value.Secret);
    }

    public HttpClient ClientFor(Member member)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.ApiKey);
        return client;
    }

    private Task<ResponseContract>? _contract;

    /// <summary>The app's own OpenAPI document, read once, as the contract every API response is checked against.</summary>
    public Task<ResponseContract> ContractAsync(CancellationToken cancellationToken = default) =>
        LazyInitializer.EnsureInitialized(ref _contract, async () =>
        {
            using var raw = CreateDefaultClient();
            return new ResponseContract(await raw.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), cancellationToken));
        });

    /// <summary>
    /// A client whose every /api/ response is checked against the app's OpenAPI document (<see cref="ResponseContractHandler"/>).
    /// Hides the factory's own, so every test's client carries the check.
    /// </summary>
    public new HttpClient CreateClient() => CreateClient(new WebApplicationFactoryClientOptions());

    /// <inheritdoc cref="CreateClient()"/>
    public new HttpClient CreateClient(WebApplicationFactoryClientOptions options)
    {
        var handlers = new List<DelegatingHandler>();
        if (options.AllowAutoRedirect)
        {
            handlers.Add(new RedirectHandler(options.MaxAutomaticRedirections));
        }

        if (options.HandleCookies)
        {
            handlers.Add(new CookieContainerHandler());
        }

        // Innermost, so each answer is checked as the server sent it (every hop of a redirect included).
        handlers.Add(new ResponseContractHandler(ContractAsync));
        return CreateDefaultClient(options.BaseAddress, [.. handlers]);
    }
}

public sealed record Member(Guid Id, string Email, string Role, string ApiKey);

public sealed record Tenant(TestApp App, Guid OrganisationId, string Slug, IReadOnlyDictionary<string, Member> Members)
{
    public LeadgateClient Marketing => Client("marketing");

    public LeadgateClient Sales => Client("sales");

    public LeadgateClient Sales2 => Client("sales2");

    public LeadgateClient Manager => Client("manager");

    public LeadgateClient Admin => Client("admin");

    public LeadgateClient Client(string member) => new(App.ClientFor(Members[member]), Members[member]);
}

/// <summary>The real app on a fresh SQLite file.</summary>
public class SqliteApp : TestApp
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "leadgate-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task<string> CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult($"Data Source={Path.Combine(_folder, "leadgate.db")}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp folder's own clean-up.
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Another instance of the app on an existing database (as behind a load balancer), with its own background webhook
/// delivery running.
/// </summary>
public sealed class SecondInstance(string connectionString, DatabaseProvider provider) : TestApp
{
    public override DatabaseProvider Provider => provider;

    protected override bool WebhooksInBackground => true;

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(connectionString);
}

/// <summary>The real app on a fresh database of the run's PostgreSQL server.</summary>
public class PostgresApp(PostgresServer server) : TestApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override Task<string> CreateDatabaseAsync() =>
        server.CreateDatabaseAsync("leadgate_" + Guid.NewGuid().ToString("N")[..16]);
}

/// <summary>The real app on SQLite with outbound webhooks kept off private networks, as in production.</summary>
public sealed class SqliteAppOffPrivateNetworks : SqliteApp
{
    protected override bool AllowPrivateNetworks => false;
}

/// <summary>The real app on PostgreSQL with outbound webhooks kept off private networks, as in production.</summary>
public sealed class PostgresAppOffPrivateNetworks(PostgresServer server) : PostgresApp(server)
{
    protected override bool AllowPrivateNetworks => false;
}
