using Leadgate.Data;
using Leadgate.Demo;
using Leadgate.Notifications;
using Leadgate.Web.Api;
using Leadgate.Web.Auth;
using Leadgate.Web.Background;
using Leadgate.Web.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace Leadgate.Web;

/// <summary>Composes the web app: API, Blazor UI, accounts and the database, all in one process.</summary>
public static class Server
{
    /// <summary>
    /// Host settings that come before the caller's arguments (which can still override them). The configuration files are
    /// read once at start: reloading them on change needs a watcher over the whole content root, and the embedded database
    /// (<c>data/leadgate.db</c>) lives under it, so every write to its log raised a file event for that watcher to sift —
    /// about a tenth of the CPU under event ingestion (docs/performance.md, P1).
    /// </summary>
    internal static readonly string[] HostDefaults = ["--hostBuilder:reloadConfigOnChange=false"];

    /// <summary>The most prerendered state a page hands to its circuit, as JSON (base64 in the message makes it a third larger).</summary>
    public const int MaxPersistedStateBytes = 128 * 1024;

    /// <param name="args">Command-line arguments: <c>--urls</c> and configuration switches.</param>
    /// <param name="configure">A last word on the builder before the app's services are added (the benchmarks quieten logging).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder([.. HostDefaults, .. args]);
        configure?.Invoke(builder);
        builder.Services.AddLeadgate(builder.Configuration);

        var app = builder.Build();
        await app.Services.PrepareDatabaseAsync(app.Environment.IsDevelopment() && app.Configuration.GetValue("Demo:Seed", true));
        app.UseLeadgate();
        return app;
    }

    public static IServiceCollection AddLeadgate(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLeadgateData(configuration);
        services.AddLeadgateUseCases();
        services.AddDataProtection().SetApplicationName("leadgate").PersistKeysToDbContext<LeadgateDbContext>();
        services.AddLeadgateAuth();
        services.AddLeadgateApi();
        services.AddLeadgateIntake();
        services.AddLeadgateRateLimits(configuration);
        services.ConfigureHttpJsonOptions(json => JsonContract.Configure(json.SerializerOptions));
        services.AddLocalization();
        services.AddMudServices();
        // A page's prerendered state (the board's first cards) comes back from the browser in one SignalR message when the
        // circuit starts: room for it beside SignalR's 32 KB default, which a board of 140 cards passes.
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = 2 * MaxPersistedStateBytes);
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddScoped<Operations>();
        services.AddOptions<ImportOptions>().Bind(configuration.GetSection(ImportOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ImportRunner>();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section));
        services.AddOptions<BackgroundScoringOptions>().Bind(configuration.GetSection(BackgroundScoringOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        if (configuration.GetValue("Scoring:BackgroundRescore", true))
        {
            services.AddHostedService<RescoreService>();
        }

        if (configuration.GetValue("Webhooks:Background", true))
        {
            services.AddHostedService<WebhookService>();
        }

        if (configuration.GetValue("Handover:BackgroundClock", true))
        {
            services.AddHostedService<HandoverClockService>();
        }

        services.AddOptions<PredictionOptions>().Bind(configuration.GetSection(PredictionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        if (configuration.GetValue("Prediction:Background", true))
        {
            services.AddHostedService<PredictionService>();
        }

        if (configuration.GetValue("Pipeline:BackgroundSweep", true))
        {
            services.AddHostedService<StaleDealsService>();
        }

        if (configuration.GetValue("Agency:BackgroundRules", true))
        {
            services.AddHostedService<CampaignRuleService>();
        }

        if (configuration.GetValue("Privacy:BackgroundRetention", true))
        {
            services.AddHostedService<RetentionService>();
        }

        if (configuration.GetValue("Database:BackgroundCheckpoint", true))
        {
            services.AddHostedService<SqliteCheckpointer>();
        }

        return services;
    }

    /// <summary>Applies migrations; in Development, an empty database gets the demo organisation.</summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services, bool seedDemo, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        await db.MigrateAsync(cancellationToken);
        if (seedDemo && !await db.Organisations.AnyAsync(cancellationToken))
        {
            await DemoData.SeedAsync(scope.ServiceProvider, progress: null, cancellationToken);
        }
    }

    public static WebApplication UseLeadgate(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseRequestLocalization(Cultures.Configure);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapOpenApi();
        // The reference must work offline: no fonts, telemetry or agent from elsewhere.
        app.MapScalarApiReference(options => options
            .WithTitle("Leadgate API")
            .HideDeveloperTools()
            .DisableAgent()
            .DisableTelemetry()
            .DisableDefaultFonts()
            .AddPreferredSecuritySchemes("ApiKey"));
        app.MapLeadgateApi();
        app.MapAccountEndpoints();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
