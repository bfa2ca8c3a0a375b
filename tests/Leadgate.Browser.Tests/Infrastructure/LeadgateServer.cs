using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Demo;
using Leadgate.Imports;
using Leadgate.Leads;
using Leadgate.Qualification;
using Leadgate.Scoring;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leadgate.Browser.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel (a real port, so a real browser can reach it), in Development, on a fresh SQLite file. It
/// holds the demo organisation's users (the ones the sign-in page lists) and makes leads for each test through the
/// core's own handlers, so no test depends on the demo seeder's random data.
/// </summary>
public sealed class LeadgateServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "leadgate-browser-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Dictionary<string, Actor> _actors = [];
    private int _leads;

    public string BaseUrl { get; private set; } = "";

    public Actor Sales => _actors[Roles.Sales];

    public Actor Marketing => _actors[Roles.Marketing];

    public static DemoUser User(string role) => DemoData.Users.First(u => u.Role == role);

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        UseKestrel(0);
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');

        var organisation = await RunAsync<CreateOrganisation, Result<OrganisationView>>(h => h.HandleAsync(DemoData.Slug, "Demo Ltd", "EUR", default));
        foreach (var user in DemoData.Users)
        {
            var added = await RunAsync<AddUser, Result<AddedUser>>(h => h.HandleAsync(DemoData.Slug, user.Email, [user.Role], DemoData.Password, user.DisplayName, default));
            _actors[user.Role] = Actor.ForUser(organisation.Value.Id, added.Value.User.Id, user.DisplayName, [user.Role], Channel.Ui);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp folder's own clean-up.
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development: the sign-in page shows the demo accounts. The demo seeder stays off: each test makes its own leads.
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", ConnectionString);
        builder.UseSetting("Demo:Seed", "false");
        // Tests run the agencies' campaign rules themselves (RunCampaignRulesAsync), so a page shows a reply before its rule takes it.
        builder.UseSetting("Agency:BackgroundRules", "false");
        builder.UseSetting("Imports:Folder", Path.Combine(_folder, "imports"));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(services =>
            // Hashing passwords slowly protects real users; in tests it only costs time.
            services.Configure<PasswordHasherOptions>(options => options.IterationCount = 1_000));
    }

    /// <summary>A new lead that marketing has handed to sales (Mql), with no conversation and no BANT yet.</summary>
    public async Task<Guid> CreateMqlAsync(string firstName, string lastName, string company)
    {
        var request = NewLead(firstName, lastName, company, "Head of Operations", "Webinar", "Autumn launch");
        var created = await RunAsync<CreateLead, Result<CreatedLead>>(h => h.HandleAsync(request, Marketing, default));
        var id = created.Value.Lead.Id;
        await RunAsync<MarkMql, Result<LeadDetails>>(h => h.HandleAsync(id, new MarkMqlRequest { Reason = "Requested a demo" }, null, Marketing, default));
        return id;
    }

    /// <summary>A new person at a company of this name, with an address no other test uses.</summary>
    private CreateLeadRequest NewLead(string firstName, string lastName, string company, string jobTitle, string source, string campaign)
    {
        var number = Interlocked.Increment(ref _leads);
        return new CreateLeadRequest
        {
            Email = $"{firstName}.{lastName}.{number}@{company.Replace(" ", "", StringComparison.Ordinal)}.example.com".ToLowerInvariant(),
            FirstName = firstName,
            LastName = lastName,
            JobTitle = jobTitle,
            Source = source,
            Campaign = campaign,
            Company = new CompanyInput { Name = company },
        };
    }

    /// <summary>A new Iql lead with company facts and a few content downloads, scored as they arrive.</summary>
    public async Task<Guid> CreateEngagedLeadAsync(string firstName, string lastName, string jobTitle, string company, int employees, int downloads, string? industry = null)
    {
        var number = Interlocked.Increment(ref _leads);
        var request = new CreateLeadRequest
        {
            Email = $"{firstName}.{lastName}.{number}@{company.Replace(" ", "", StringComparison.Ordinal)}.example.com".ToLowerInvariant(),
            FirstName = firstName,
            LastName = lastName,
            JobTitle = jobTitle,
            Source = "Website",
            Company = new CompanyInput { Name = company, Employees = employees, Industry = industry },
        };
        var created = await RunAsync<CreateLead, Result<CreatedLead>>(h => h.HandleAsync(request, Marketing, default));
        var id = created.Value.Lead.Id;
        var events = new RecordEventsRequest
        {
            Events = [.. Enumerable.Range(1, downloads).Select(i => new EventInput
            {
                ExternalId = $"{id}-download-{i}", Type = nameof(BehaviourType.ContentDownload), LeadId = id, OccurredAt = DateTimeOffset.UtcNow.AddHours(-i),
            })],
        };
        var recorded = await RunAsync<RecordEvents, Result<RecordedEvents>>(h => h.HandleAsync(events, Marketing, default));
        Assert.True(recorded.IsSuccess, recorded.Error?.Message);
        return id;
    }

    /// <summary>A lead sales has talked to, assessed and accepted: Sql, with an open deal of the given value.</summary>
    public async Task<Guid> CreateSqlAsync(string firstName, string lastName, string company, decimal dealValue, DateOnly expectedClose, string currency = "EUR")
    {
        var id = await CreateMqlAsync(firstName, lastName, company);
        var call = new LogActivityRequest { Type = ActivityType.Call, Direction = Direction.Outbound, Outcome = ActivityOutcome.Connected, Notes = "Discovery call" };
        await RunAsync<LogActivity, Result<LoggedActivity>>(h => h.HandleAsync(id, call, null, Sales, default));
        var bant = new RecordBantRequest { Need = new BantDimensionInput { Status = BantStatus.Confirmed, Note = "Manual lead routing costs them a day per week" } };
        await RunAsync<RecordBant, Result<LeadDetails>>(h => h.HandleAsync(id, bant, null, Sales, default));
        var accept = new AcceptLeadRequest { DealValue = dealValue, Currency = currency, ExpectedCloseDate = expectedClose };
        var accepted = await RunAsync<AcceptLead, Result<LeadDetails>>(h => h.HandleAsync(id, accept, null, Sales, default));
        Assert.True(accepted.IsSuccess, accepted.Error?.Message);
        return id;
    }

    /// <summary>The funnel report over the last <paramref name="days"/> days up to today (UTC), as the dashboard asks for it.</summary>
    public Task<Result<Reports.FunnelReport>> GetFunnelAsync(int days)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var query = new Reports.ReportQuery
        {
            From = today.AddDays(-days + 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            To = today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        return RunAsync<Reports.GetFunnel, Result<Reports.FunnelReport>>(h => h.HandleAsync(query, Marketing, default));
    }

    public Task<Result<Reports.ForecastReport>> GetForecastAsync() =>
        RunAsync<Reports.GetForecast, Result<Reports.ForecastReport>>(h => h.HandleAsync(new Reports.ReportQuery(), Marketing, default));

    /// <summary>Marketing's feedback as the page reads it: the newest sent-back MQLs and the counts per source and campaign.</summary>
    public Task<Qualification.Feedback> GetFeedbackAsync() =>
        RunAsync<Qualification.GetFeedback, Qualification.Feedback>(h => h.HandleAsync(Marketing, null, null, Qualification.GetFeedback.MaxLimit, default));

    /// <summary>The organisation's pipelines and stages as the database now holds them, read through the core.</summary>
    public Task<IReadOnlyList<Pipeline.PipelineView>> GetPipelinesAsync() =>
        RunAsync<Pipeline.GetPipelines, IReadOnlyList<Pipeline.PipelineView>>(h => h.HandleAsync(Sales, default));

    /// <summary>A manager gives the lead to the demo sales rep (who is notified in the app).</summary>
    public async Task AssignToSalesAsync(Guid id)
    {
        var manager = _actors[Roles.Manager];
        var assigned = await RunAsync<AssignLead, Result<LeadDetails>>(h => h.HandleAsync(id, new AssignLeadRequest { OwnerId = Sales.UserId }, null, manager, default));
        Assert.True(assigned.IsSuccess, assigned.Error?.Message);
    }

    /// <summary>Sales sends the MQL back to marketing with a listed reason and a note.</summary>
    public async Task RejectAsync(Guid id, string reason, string note)
    {
        var rejected = await RunAsync<RejectLead, Result<LeadDetails>>(h => h.HandleAsync(id, new RejectLeadRequest { Reason = reason, Note = note }, null, Sales, default));
        Assert.True(rejected.IsSuccess, rejected.Error?.Message);
    }

    /// <summary>Someone else changes the lead (marketing adds a note), so a page that shows the old version is stale.</summary>
    public async Task ChangeMeanwhileAsync(Guid id)
    {
        var note = new LogActivityRequest { Type = ActivityType.Note, Notes = "Added by a colleague" };
        var logged = await RunAsync<LogActivity, Result<LoggedActivity>>(h => h.HandleAsync(id, note, null, Marketing, default));
        Assert.True(logged.IsSuccess, logged.Error?.Message);
    }

    /// <summary>Imports a CSV file through the core's importer as marketing, as the import page does; every row must be good.</summary>
    public async Task ImportAsync(string fileName, string csv)
    {
        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv));
        var imported = await RunAsync<ImportLeads, Result<ImportOutcome>>(h => h.HandleAsync(new ImportLeadsRequest(fileName, content), Marketing, null, default));
        Assert.True(imported.IsSuccess, imported.Error?.Message);
        Assert.Equal(0, imported.Value.Job.Bad);
    }

    private readonly SemaphoreSlim _agencyOnce = new(1, 1);
    private (Guid LinkId, Actor Sales, Actor Marketing, Actor Admin)? _agency;

    /// <summary>
    /// The outreach agency of the demo (<see cref="AgencyDemo.Slug"/>, its users with the demo password), linked to the demo
    /// organisation, which accepted sharing the Stage only and its own routing (none: the shared queue); and a prospect of
    /// the agency who replied to its outreach (an MQL there with the reply's text), waiting to be handed over. Returns the
    /// link and that prospect's lead in the agency. The prospect is in the demo client's campaign unless another is named.
    /// </summary>
    public async Task<(Guid LinkId, Guid ReplyLeadId)> CreateAgencyReplyAsync(string firstName, string lastName, string company, string reply, string campaign = AgencyDemo.DemoCampaign)
    {
        await _agencyOnce.WaitAsync();
        try
        {
            if (_agency is null)
            {
                var organisation = await RunAsync<CreateOrganisation, Result<OrganisationView>>(h => h.HandleAsync(AgencyDemo.Slug, AgencyDemo.Name, "EUR", default));
                var actors = new Dictionary<string, Actor>();
                foreach (var user in AgencyDemo.Users)
                {
                    var added = await RunAsync<AddUser, Result<AddedUser>>(h => h.HandleAsync(AgencyDemo.Slug, user.Email, [user.Role], DemoData.Password, user.DisplayName, default));
                    actors[user.Role] = Actor.ForUser(organisation.Value.Id, added.Value.User.Id, user.DisplayName, [user.Role], Channel.Ui);
                }

                var invited = await RunAsync<Agency.InviteClient, Result<Agency.AgencyLinkView>>(h => h.HandleAsync(new Agency.InviteClientRequest { ClientSlug = DemoData.Slug }, actors[Roles.Admin], default));
                var accepted = await RunAsync<Agency.AcceptAgencyLink, Result<Agency.AgencyLinkView>>(h => h.HandleAsync(
                    invited.Value.Id, new Agency.AcceptAgencyLinkRequest { Shares = Agency.AgencyShares.Stage }, _actors[Roles.Admin], default));
                Assert.True(accepted.IsSuccess, accepted.Error?.Message);
                _agency = (invited.Value.Id, actors[Roles.Sales], actors[Roles.Marketing], actors[Roles.Admin]);
            }
        }
        finally
        {
            _agencyOnce.Release();
        }

        var (linkId, sales, marketing, _) = _agency.Value;
        var request = NewLead(firstName, lastName, company, "Head of sales", "Outreach", campaign);
        var created = await RunAsync<CreateLead, Result<CreatedLead>>(h => h.HandleAsync(request, marketing, default));
        var id = created.Value.Lead.Id;
        var replied = new LogActivityRequest { Type = ActivityType.Email, Direction = Direction.Inbound, Outcome = ActivityOutcome.Received, Notes = reply };
        Assert.True((await RunAsync<LogActivity, Result<LoggedActivity>>(h => h.HandleAsync(id, replied, null, sales, default))).IsSuccess);
        var mql = await RunAsync<MarkMql, Result<LeadDetails>>(h => h.HandleAsync(id, new MarkMqlRequest { Reason = "Replied to the outreach sequence" }, null, marketing, default));
        Assert.True(mql.IsSuccess, mql.Error?.Message);
        return (linkId, id);
    }

    /// <summary>
    /// A second client of the demo agency (made with <see cref="CreateAgencyReplyAsync"/> first), its link accepted sharing the
    /// Stage; its link's id. A test that makes one ends it again (<see cref="EndAgencyLinkAsync"/>): the demo client is
    /// otherwise the agency's only active client, which the queue preselects.
    /// </summary>
    public async Task<Guid> CreateAgencyClientAsync(string slug, string name)
    {
        var agencyAdmin = _agency!.Value.Admin;
        var organisation = await RunAsync<CreateOrganisation, Result<OrganisationView>>(h => h.HandleAsync(slug, name, "EUR", default));
        var added = await RunAsync<AddUser, Result<AddedUser>>(h => h.HandleAsync(slug, $"admin@{slug}.example.com", [Roles.Admin], DemoData.Password, $"{name} admin", default));
        var clientAdmin = Actor.ForUser(organisation.Value.Id, added.Value.User.Id, $"{name} admin", [Roles.Admin], Channel.Ui);
        var invited = await RunAsync<Agency.InviteClient, Result<Agency.AgencyLinkView>>(h => h.HandleAsync(new Agency.InviteClientRequest { ClientSlug = slug }, agencyAdmin, default));
        var accepted = await RunAsync<Agency.AcceptAgencyLink, Result<Agency.AgencyLinkView>>(h => h.HandleAsync(
            invited.Value.Id, new Agency.AcceptAgencyLinkRequest { Shares = Agency.AgencyShares.Stage }, clientAdmin, default));
        Assert.True(accepted.IsSuccess, accepted.Error?.Message);
        return invited.Value.Id;
    }

    public async Task EndAgencyLinkAsync(Guid linkId) =>
        Assert.True((await RunAsync<Agency.EndAgencyLink, Result<Agency.AgencyLinkView>>(h => h.HandleAsync(linkId, _agency!.Value.Admin, default))).IsSuccess);

    /// <summary>One round of the agencies' campaign rules, as the background service (off here) would run it.</summary>
    public Task<Agency.CampaignRound> RunCampaignRulesAsync() => RunAsync<Agency.HandOverByCampaign, Agency.CampaignRound>(h => h.RunAsync(default));

    /// <summary>The lead as the database now holds it, read through the core (not through the page).</summary>
    public async Task<LeadDetails> GetLeadAsync(Guid id)
    {
        var lead = await RunAsync<GetLead, Result<LeadDetails>>(h => h.HandleAsync(id, Sales, default));
        return lead.Value;
    }

    /// <summary>
    /// A lead for the likelihood model's history: converted (accepted as SQL), disqualified, or left open (null). The
    /// story: partner referrals reaching a director mostly convert, cold-list students mostly do not.
    /// </summary>
    public async Task<Guid> CreateHistoryLeadAsync(string source, string jobTitle, bool? converted)
    {
        var number = Interlocked.Increment(ref _leads);
        var request = new CreateLeadRequest
        {
            Email = $"history.{number}@history{number}.example.com",
            FirstName = "History",
            LastName = number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            JobTitle = jobTitle,
            Source = source,
            Company = new CompanyInput { Name = $"History {number}" },
        };
        var created = await RunAsync<CreateLead, Result<CreatedLead>>(h => h.HandleAsync(request, Marketing, default));
        var id = created.Value.Lead.Id;
        if (converted is null)
        {
            return id;
        }

        if (converted == false)
        {
            var refused = await RunAsync<DisqualifyLead, Result<LeadDetails>>(h => h.HandleAsync(id, new DisqualifyLeadRequest { Reason = "NotRelevant" }, null, Marketing, default));
            Assert.True(refused.IsSuccess, refused.Error?.Message);
            return id;
        }

        await RunAsync<MarkMql, Result<LeadDetails>>(h => h.HandleAsync(id, new MarkMqlRequest { Reason = "Requested a demo" }, null, Marketing, default));
        var call = new LogActivityRequest { Type = ActivityType.Call, Direction = Direction.Outbound, Outcome = ActivityOutcome.Connected, Notes = "Discovery call" };
        await RunAsync<LogActivity, Result<LoggedActivity>>(h => h.HandleAsync(id, call, null, Sales, default));
        var bant = new RecordBantRequest { Need = new BantDimensionInput { Status = BantStatus.Confirmed, Note = "A real need" } };
        await RunAsync<RecordBant, Result<LeadDetails>>(h => h.HandleAsync(id, bant, null, Sales, default));
        var accept = new AcceptLeadRequest { DealValue = 10_000m, Currency = "EUR", ExpectedCloseDate = DateOnly.FromDateTime(DateTime.Today.AddDays(60)) };
        var accepted = await RunAsync<AcceptLead, Result<LeadDetails>>(h => h.HandleAsync(id, accept, null, Sales, default));
        Assert.True(accepted.IsSuccess, accepted.Error?.Message);
        return id;
    }

    /// <summary>The deal as the database now holds it, read through the core (not through the page).</summary>
    public async Task<Pipeline.DealView> GetDealAsync(Guid id) =>
        (await RunAsync<Pipeline.GetDeal, Result<Pipeline.DealView>>(h => h.HandleAsync(id, Sales, default))).Value;

    public async Task<IReadOnlyList<Pipeline.DealChangeView>> GetDealHistoryAsync(Guid id) =>
        (await RunAsync<Pipeline.GetDealHistory, Result<IReadOnlyList<Pipeline.DealChangeView>>>(h => h.HandleAsync(id, Sales, default))).Value;

    /// <summary>
    /// An organisation of its own with one sales rep (who signs in with the demo password) and the benchmark's deals on the
    /// default pipeline (<c>leadgate bench board</c>'s seeding), so a test sees a board at scale without touching the
    /// other tests' organisation. Returns the rep's address and the organisation.
    /// </summary>
    public async Task<(string Email, Guid OrganisationId)> SeedBoardAsync(string slug, int open, int closed)
    {
        var organisation = await RunAsync<CreateOrganisation, Result<OrganisationView>>(h => h.HandleAsync(slug, "Board at scale B.V.", "EUR", default));
        var email = $"rep@{slug}.example.com";
        var rep = await RunAsync<AddUser, Result<AddedUser>>(h => h.HandleAsync(slug, email, [Roles.Sales], DemoData.Password, "Scale Rep", default));
        var actor = Actor.ForUser(organisation.Value.Id, rep.Value.User.Id, "Scale Rep", [Roles.Sales], Channel.Ui);
        var pipelines = await RunAsync<Pipeline.GetPipelines, IReadOnlyList<Pipeline.PipelineView>>(h => h.HandleAsync(actor, default));
        Guid[] stages = [.. pipelines[0].Stages.OrderBy(s => s.Position).Select(s => s.Id)];
        await Web.Cli.BenchBoard.SeedAsync(ConnectionString, organisation.Value.Id, [(rep.Value.User.Id, "Scale Rep")], stages, open, closed, DateTimeOffset.UtcNow, null, default);
        return (email, organisation.Value.Id);
    }

    public string ConnectionString => $"Data Source={Path.Combine(_folder, "leadgate.db")}";

    private async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> operation)
        where THandler : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<THandler>());
    }
}
