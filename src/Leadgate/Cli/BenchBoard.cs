using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Pipeline;
using Leadgate.Web.Auth;
using Leadgate.Web.Components.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Web.Cli;

/// <summary>
/// Issue 16, acceptance 7: the pipeline board with 10,000 open and 100,000 closed deals. A fresh SQLite database is seeded
/// with raw prepared SQL (a contact, company and lead per deal, the deals over the default pipeline's stages, a scheduled
/// activity on every fifth open deal); then, warm, the board's data query (<see cref="GetBoard"/>, as the page and
/// <c>GET /api/v1/deals/board</c> run it) and the board page's server render (<see cref="PipelineBoardPage"/> rendered to
/// HTML by the app's own services, its query included) are timed, and their medians reported. The baseline, in the same
/// run: a raw ADO.NET read of the same open deals with their lead, contact, company and owner.
/// </summary>
internal static class BenchBoard
{
    public const string BaselineName = "raw ADO.NET read of the open deals with their lead, contact, company and owner";
    private const double TargetMilliseconds = 300;
    private const int SeedTransaction = 50_000;
    private const int Owners = 8;

    public static async Task<int> RunAsync(CliContext cli, int open, int closed, int samples, CancellationToken cancellationToken)
    {
        if (open < 1 || closed < 0 || samples < 1)
        {
            await cli.Console.Error.WriteLineAsync("--open and --samples must be at least 1, --closed at least 0.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        await using var app = await CliServices.StartAsync([.. database.Configuration(cli), "--Pipeline:BackgroundSweep=false"], cancellationToken);
        var tenant = await BenchTenant.SeedAsync(app.Services, cancellationToken);
        var clock = app.Services.GetRequiredService<TimeProvider>();
        var owners = new List<(Guid Id, string Name)>();
        Guid[] stages;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var addUser = scope.ServiceProvider.GetRequiredService<AddUser>();
            for (var i = 0; i < Owners; i++)
            {
                var added = await addUser.HandleAsync(BenchTenant.Slug, $"rep{i}@bench.example.com", [Roles.Sales], null, $"Rep {i}", cancellationToken);
                owners.Add(added.IsSuccess ? (added.Value.User.Id, added.Value.User.DisplayName) : throw new InvalidOperationException(added.Error!.Message));
            }

            var pipelines = await scope.ServiceProvider.GetRequiredService<GetPipelines>().HandleAsync(tenant.Actor, cancellationToken);
            stages = [.. pipelines[0].Stages.OrderBy(s => s.Position).Select(s => s.Id)];
        }

        var seeding = BenchClock.Start();
        await cli.Console.WithProgressAsync("Board: seeding", async progress =>
        {
            await SeedAsync(database.ConnectionString, tenant.OrganisationId, owners, stages, open, closed, clock.GetUtcNow(), progress, cancellationToken);
            return true;
        });
        seeding.Stop();
        await BenchReport.PhaseAsync(cli, $"seeded {open:N0} open and {closed:N0} closed deals in {seeding.Elapsed.TotalSeconds:0.0} s");

        var rep = Actor.ForUser(tenant.OrganisationId, owners[0].Id, owners[0].Name, [Roles.Sales], Channel.Ui);
        var queries = new List<double>();
        var cards = 0;
        await cli.Console.WithProgressAsync("Board: data query", async progress =>
        {
            for (var i = -2; i < samples; i++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var started = Stopwatch.GetTimestamp();
                var board = await scope.ServiceProvider.GetRequiredService<GetBoard>().HandleAsync(new GetBoardRequest(), rep, cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                cards = board.IsSuccess ? board.Value.Columns.Sum(c => c.Count) : throw new InvalidOperationException(board.Error!.Message);
                if (i >= 0)
                {
                    queries.Add(elapsed);
                }

                progress?.Report(100 * (i + 3) / (samples + 2));
            }

            return true;
        });
        if (cards != open)
        {
            throw new InvalidOperationException($"The board shows {cards:N0} deals, not the {open:N0} open ones seeded.");
        }

        await BenchReport.PhaseAsync(cli, $"board data query: median {BenchReport.Median(queries):0.0} ms over {samples} warm runs ({cards:N0} cards)");

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, owners[0].Id.ToString()),
                new Claim(LeadgateClaims.Organisation, tenant.OrganisationId.ToString()),
                new Claim(LeadgateClaims.DisplayName, owners[0].Name),
                new Claim(ClaimTypes.Role, Roles.Sales),
            ],
            "bench"));
        var renders = new List<double>();
        var htmlLength = 0;
        await cli.Console.WithProgressAsync("Board: server render", async progress =>
        {
            for (var i = -2; i < samples; i++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
                    .SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
                await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
                var started = Stopwatch.GetTimestamp();
                var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<BoardRenderHost>()).ToHtmlString());
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                htmlLength = html.Length;
                if (!html.Contains("data-testid=\"deal-card\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("The rendered board holds no deal cards.");
                }

                if (i >= 0)
                {
                    renders.Add(elapsed);
                }

                progress?.Report(100 * (i + 3) / (samples + 2));
            }

            return true;
        });
        await BenchReport.PhaseAsync(cli, $"board server render (its query included): median {BenchReport.Median(renders):0.0} ms, {htmlLength / 1024.0 / 1024.0:0.0} MB of HTML");

        var baselines = new List<double>();
        for (var i = -2; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var rows = await BaselineAsync(database.ConnectionString, tenant.OrganisationId, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (rows != open)
            {
                throw new InvalidOperationException($"The baseline read {rows:N0} rows, not {open:N0}.");
            }

            if (i >= 0)
            {
                baselines.Add(elapsed);
            }
        }

        await BenchReport.PhaseAsync(cli, $"{BaselineName}: median {BenchReport.Median(baselines):0.0} ms");
        var queryMs = BenchReport.Median(queries);
        var renderMs = BenchReport.Median(renders);
        var baselineMs = BenchReport.Median(baselines);
        return await BenchReport.ResultAsync(cli, new
        {
            bench = "board",
            openDeals = open,
            closedDeals = closed,
            samples,
            queryMs = BenchReport.Round(queryMs, 1),
            renderMs = BenchReport.Round(renderMs, 1),
            htmlMB = BenchReport.Round(htmlLength / 1024.0 / 1024.0, 2),
            baseline = new { name = BaselineName, ms = BenchReport.Round(baselineMs, 1) },
            ratio = baselineMs > 0 ? BenchReport.Round(baselineMs / queryMs, 3) : 0,
            target = new { queryMs = TargetMilliseconds, renderMs = TargetMilliseconds },
            met = queryMs <= TargetMilliseconds && renderMs <= TargetMilliseconds,
            loadAverage,
        });
    }

    /// <summary>The benchmark's deals, written with raw prepared SQL; also how a browser test puts 10,000 open deals on a board.</summary>
    internal static async Task SeedAsync(
        string connectionString, Guid organisationId, List<(Guid Id, string Name)> owners, Guid[] stages, int open, int closed, DateTimeOffset now,
        IProgress<int>? progress, CancellationToken cancellationToken)
    {
        // The default pipeline: Qualified, Discovery/demo (Sql), Proposal, Negotiation, Contracting (Opportunity), Won, Lost.
        (string Category, int Probability, string LeadStage)[] meaning =
        [
            ("Pipeline", 20, "Sql"), ("Pipeline", 35, "Sql"), ("BestCase", 50, "Opportunity"), ("BestCase", 70, "Opportunity"),
            ("Commit", 90, "Opportunity"), ("Closed", 100, "Customer"), ("Omitted", 0, "Nurture"),
        ];
        await using var seeder = await BenchSeeder.OpenAsync(connectionString, SeedTransaction, cancellationToken);
        var org = SqliteGuids.ToBytes(organisationId);
        var pipelineId = await seeder.PipelineOfAsync(stages[0], cancellationToken);
        var company = seeder.Insert("Companies", ["Id", "OrganisationId", "Name", "Domain"]);
        var contact = seeder.Insert("Contacts", ["Id", "OrganisationId", "Email", "FirstName", "LastName"]);
        var lead = seeder.Insert("Leads", [
            "Id", "OrganisationId", "ContactId", "CompanyId", "OwnerId", "DealId", "Stage", "HighestStage", "WorkStatus", "CreatedAt", "UpdatedAt", "StageChangedAt", "LastActivityAt",
            "SearchText", "Version", "Bant_Authority_Status", "Bant_Budget_Status", "Bant_Need_Status", "Bant_Timeline_Status", "EngagementScore"]);
        var deal = seeder.Insert("Deals", [
            "Id", "OrganisationId", "LeadId", "Title", "Value", "Currency", "ExpectedCloseDate", "ProposalAmount", "Status", "WonAmount", "ClosedOn", "LostReason",
            "OwnerId", "CreatedAt", "UpdatedAt", "Version", "PipelineId", "StageId", "StageChangedAt", "StageProbability", "StageForecastCategory", "RepProbability",
            "NextStepText", "NextStepDueOn"]);
        var scheduled = seeder.Insert("ScheduledActivities", ["Id", "OrganisationId", "DealId", "LeadId", "Type", "Notes", "DueAt", "CreatedAt", "UserId", "ActorName"]);
        var start = now.AddDays(-400);
        var total = open + closed;
        void Row(SqliteCommand command, params object?[] values) => seeder.Row(command, values);

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        for (var i = 0; i < total; i++)
        {
            var isOpen = i < open;
            var stage = isOpen ? i % 5 : 5 + (i % 2);
            var (category, probability, leadStage) = meaning[stage];
            var created = start.AddSeconds(i * 300.0 * 110_000 / Math.Max(total, 1));
            var owner = owners[i % owners.Count];
            var companyId = SqliteGuids.ToBytes(Guid.CreateVersion7(created));
            var contactId = SqliteGuids.ToBytes(Guid.CreateVersion7(created));
            var leadId = SqliteGuids.ToBytes(Guid.CreateVersion7(created));
            var dealId = SqliteGuids.ToBytes(Guid.CreateVersion7(created));
            var ownerId = SqliteGuids.ToBytes(owner.Id);
            var lastTouch = isOpen ? now.AddDays(-(i % 30)) : created.AddDays(20);
            Row(company, companyId, org, $"Buyer {i} B.V.", $"buyer-{i}.example.com");
            Row(contact, contactId, org, $"person{i}@buyer-{i}.example.com", "Person", $"Number {i}");
            Row(lead, leadId, org, contactId, companyId, ownerId, dealId, leadStage, leadStage == "Nurture" ? "Opportunity" : leadStage, "New", created.UtcTicks, lastTouch.UtcTicks, created.UtcTicks,
                lastTouch.UtcTicks, $"person number {i} person{i}@buyer-{i}.example.com buyer {i} b.v.", 1L, "Unknown", "Unknown", "Confirmed", "Unknown", 0.0);
            var value = 5_000m + (i * 7_919 % 95_000);
            var close = isOpen ? today.AddDays(7 + (i % 120)) : DateOnly.FromDateTime(created.UtcDateTime).AddDays(60);
            Row(deal, dealId, org, leadId, $"Buyer {i} B.V.", value.ToString("0.00", CultureInfo.InvariantCulture), "EUR", close.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                stage >= 2 && stage != 6 ? (value * 0.95m).ToString("0.00", CultureInfo.InvariantCulture) : null,
                isOpen ? "Open" : stage == 5 ? "Won" : "Lost", stage == 5 ? value.ToString("0.00", CultureInfo.InvariantCulture) : null,
                isOpen ? null : close.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), stage == 6 ? "Price" : null,
                ownerId, created.UtcTicks, lastTouch.UtcTicks, 3L, pipelineId, SqliteGuids.ToBytes(stages[stage]), lastTouch.UtcTicks, probability, category,
                i % 7 == 0 ? 65 : null, i % 3 == 0 ? null : $"Follow-up call {i}", i % 3 == 0 ? null : today.AddDays((i % 20) - 5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            if (isOpen && i % 5 == 0)
            {
                Row(scheduled, SqliteGuids.ToBytes(Guid.CreateVersion7(created)), org, dealId, leadId, "Meeting", "Review the proposal", now.AddDays(1 + (i % 14)).UtcTicks,
                    now.UtcTicks, ownerId, owner.Name);
            }

            if (i % 10_000 == 0)
            {
                progress?.Report((int)(100L * i / total));
            }
        }
    }

    /// <summary>The same open deals the board shows, with what a card shows of their lead, contact, company and owner, read raw.</summary>
    private static async Task<int> BaselineAsync(string connectionString, Guid organisationId, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d."Id", d."LeadId", d."Title", d."Value", d."Currency", d."ExpectedCloseDate", d."StageId", d."StageProbability", d."RepProbability",
                   d."NextStepText", d."NextStepDueOn", d."Version", d."OwnerId", l."Stage", l."LastActivityAt", c."FirstName", c."LastName", c."Email", co."Name", u."DisplayName"
            FROM "Deals" d
            JOIN "Leads" l ON l."Id" = d."LeadId"
            JOIN "Contacts" c ON c."Id" = l."ContactId"
            LEFT JOIN "Companies" co ON co."Id" = l."CompanyId"
            LEFT JOIN "AspNetUsers" u ON u."Id" = d."OwnerId"
            WHERE d."OrganisationId" = $org AND d."Status" = 'Open'
            """;
        command.Parameters.AddWithValue("$org", SqliteGuids.ToBytes(organisationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            _ = reader.GetFieldValue<byte[]>(0);
            _ = reader.GetString(2);
            _ = reader.GetString(3);
            _ = reader.IsDBNull(9) ? null : reader.GetString(9);
            _ = reader.IsDBNull(17) ? null : reader.GetString(17);
            _ = reader.IsDBNull(19) ? null : reader.GetString(19);
            rows++;
        }

        return rows;
    }
}

/// <summary>The board page as the layout hosts it: with the popover provider its menus need.</summary>
internal sealed class BoardRenderHost : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<MudBlazor.MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<PipelineBoardPage>(1);
        builder.CloseComponent();
    }
}
