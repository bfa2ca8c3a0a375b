using Microsoft.Extensions.Logging.Abstractions;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Demo;

public sealed record DemoUser(string Email, string DisplayName, string Role);

/// <summary>What a demo seed wrote.</summary>
public sealed record DemoSummary(
    string OrganisationSlug,
    string OrganisationName,
    IReadOnlyList<DemoUser> Users,
    int Leads,
    IReadOnlyDictionary<Stage, int> LeadsPerStage,
    int Companies,
    int Activities,
    int StageEvents,
    int Deals)
{
    /// <summary>The likelihood model trained on the demo's closed leads, active; null when training was refused (the reason is in <see cref="ModelRefused"/>).</summary>
    public Prediction.ModelVersionView? Model { get; init; }

    /// <summary>The deals in each stage of the default pipeline, in its order.</summary>
    public IReadOnlyList<(string Stage, int Deals)> DealsPerStage { get; init; } = [];

    public string? ModelRefused { get; init; }

    /// <summary>The outreach agency and its other client, seeded with the default demo organisation only.</summary>
    public AgencyDemoSummary? Agency { get; init; }
}

/// <summary>The demo organisation: a user per role and about 500 leads with twelve months of history, their deals worked through the default pipeline.</summary>
public static class DemoData
{
    public const string Slug = "demo";

    /// <summary>Shown on the login page in Development only.</summary>
    public const string Password = "Leadgate-demo-2026";

    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("sales@demo.leadgate.dev", "Sam Sales", "Sales"),
        new("marketing@demo.leadgate.dev", "Mia Marketing", "Marketing"),
        new("manager@demo.leadgate.dev", "Max Manager", "Manager"),
        new("admin@demo.leadgate.dev", "Ada Admin", "Admin"),
    ];

    /// <summary>The rest of the sales team, so the inbox, the routing and the per-rep reports have something to compare.</summary>
    public static readonly IReadOnlyList<DemoUser> MoreSalesReps =
    [
        new("noor@demo.leadgate.dev", "Noor de Vries", "Sales"),
        new("jonas@demo.leadgate.dev", "Jonas Peeters", "Sales"),
        new("hannah@demo.leadgate.dev", "Hannah Becker", "Sales"),
    ];

    /// <summary>The same seed tells the same stories, so a screenshot, a bug report and a test all see the same demo.</summary>
    private const int DiceSeed = 2026_03_01;

    private static readonly TimeSpan History = TimeSpan.FromDays(365);

    /// <summary>
    /// How busy each month is (January first), as a B2B team sees it: campaigns in spring and autumn, quiet in the summer
    /// holidays and around Christmas. A journey's start is drawn again until its month takes it, so the funnel's weekly
    /// trends, cohorts and the forecast's back-test have a season to show.
    /// </summary>
    private static readonly double[] Season = [1.1, 1.2, 1.2, 1.0, 1.0, 0.85, 0.6, 0.5, 1.2, 1.3, 1.25, 0.7];

    private const int LeadsPerBatch = 60;

    /// <summary>Seeds the organisation <see cref="Slug"/>. Used by the web host on an empty database in Development.</summary>
    public static async Task SeedAsync(IServiceProvider services, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var seeded = await SeedAsync(services, Slug, progress, cancellationToken);
        if (seeded.Error is { } error)
        {
            throw new InvalidOperationException("The demo data could not be seeded: " + error.Message);
        }
    }

    /// <summary>
    /// Seeds a new demo organisation with this slug: its users (the password is <see cref="Password"/>) and about 500
    /// leads walked through the lifecycle over the last twelve months. All or nothing: one transaction. Refused with a
    /// <see cref="Conflict"/> when the organisation or one of its users already exists. Progress goes from 0 to 100.
    /// </summary>
    public static async Task<Result<DemoSummary>> SeedAsync(IServiceProvider services, string slug, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<LeadgateDbContext>();
        var now = WholeSeconds(services.GetRequiredService<TimeProvider>().GetUtcNow());
        var historyStart = now - History;
        progress?.Report(0);

        var name = slug == Slug ? "Demo B.V." : $"Demo B.V. ({slug})";
        var created = Organisation.Create(slug, name, historyStart.AddDays(-14));
        if (created.Error is { } invalid)
        {
            return invalid;
        }

        var organisation = created.Value;
        var users = Users.Concat(MoreSalesReps).Select(u => u with { Email = EmailIn(organisation.Slug, u.Email) }).ToList();
        if (await RefusalAsync(db, organisation.Slug, users, cancellationToken) is { } refused)
        {
            return refused;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var reasons = Reason.DefaultsFor(organisation.Id).ToList();
        db.Organisations.Add(organisation);
        db.Reasons.AddRange(reasons);
        var pipeline = SalesPipeline.CreateDefault(organisation.Id, historyStart);
        db.Pipelines.Add(pipeline);
        await db.SaveChangesAsync(cancellationToken);

        var actors = await CreateUsersAsync(services, organisation, users, i => progress?.Report(2 * (i + 1)), cancellationToken);

        db.ChangeTracker.Clear();
        var cast = CastOf(organisation, reasons, pipeline, actors, historyStart);
        var journeys = Tell(cast, historyStart, now);
        progress?.Report(25);

        var leads = journeys.Select(j => j.Lead).ToList();
        // Each lead's scores are what its facts and its events give at the moment of the seed, as the product keeps them.
        var byLead = journeys.ToDictionary(j => j.Lead.Id);
        foreach (var journey in journeys)
        {
            journey.ScoreAt(now);
        }


        // Each deal was opened in Qualified and moved by its story through the default pipeline; it stands where the story left it.
        var deals = journeys.Where(j => j.Deal is not null).ToDictionary(j => j.Lead.Id);
        // The forms people gave their consent on, before any lead that came in through them.
        db.WebForms.AddRange(cast.WebsiteForm, cast.WebinarForm);
        var batches = ByCompany(leads, LeadsPerBatch);
        foreach (var (batch, index) in batches.Select((b, i) => (b, i)))
        {
            var worked = batch.Where(l => deals.ContainsKey(l.Id)).Select(l => deals[l.Id]).ToList();
            db.Leads.AddRange(batch);
            db.BehaviourEvents.AddRange(batch.SelectMany(l => byLead[l.Id].BehaviourEvents()));
            db.Consents.AddRange(batch.SelectMany(l => byLead[l.Id].Consents));
            db.Contacts.AddRange(worked.SelectMany(j => j.Colleagues));
            db.Deals.AddRange(worked.Select(j => j.Deal!));
            db.ScheduledActivities.AddRange(worked.SelectMany(j => j.Scheduled));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            progress?.Report(25 + (74 * (index + 1) / batches.Count));
        }

        await RouteFromNowOnAsync(db, organisation, actors, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        progress?.Report(99);

        // The likelihood model learns from the demo's own closed leads, as a real organisation's would: trained, not written.
        var trained = await new Prediction.TrainModel(db, services.GetRequiredService<TimeProvider>(), NullLogger<Prediction.TrainModel>.Instance)
            .HandleAsync(new Prediction.TrainModelRequest(), Actor.ForSystem(organisation.Id), null, cancellationToken);
        // The default demo also gets its outreach agency, which hands leads to it (and one more client).
        var agency = organisation.Slug == Slug ? await AgencyDemo.SeedAsync(services, organisation, now, cancellationToken) : null;
        if (agency is not null && trained.IsSuccess)
        {
            // The leads the agency handed over came after the model scored the demo's: they get their likelihood too.
            await Prediction.RefreshLikelihoods.StaleAsync(db, organisation.Id, now, cancellationToken);
        }

        progress?.Report(100);
        return new DemoSummary(
            organisation.Slug,
            organisation.Name,
            users,
            leads.Count,
            Stages.All.ToDictionary(stage => stage, stage => leads.Count(l => l.Stage == stage)),
            cast.Companies.Count,
            leads.Sum(l => l.Activities.Count),
            leads.Sum(l => l.History.Count),
            deals.Count)
        {
            DealsPerStage = pipeline.Stages.OrderBy(s => s.Position).Select(s => (s.Name, deals.Values.Count(j => j.Deal!.StageId == s.Id))).ToList(),
            Model = trained.IsSuccess ? trained.Value : null,
            ModelRefused = trained.Error?.Message,
            Agency = agency,
        };
    }

    /// <summary>
    /// Teams by territory and the rules that send new MQLs to them, so what comes in after the seed is routed; Jonas works
    /// four days a week and takes at most 25 open MQLs. Written after the history, whose leads keep the owners the stories gave them.
    /// </summary>
    private static async Task RouteFromNowOnAsync(LeadgateDbContext db, Organisation organisation, Dictionary<string, Actor> actors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Guid Id(string name) => actors[name].UserId!.Value;
        var manager = Id("Max Manager");
        var routing = new RoutingModel
        {
            Teams =
            [
                new RoutingTeam { Name = "Benelux", ManagerId = manager, Members = [Id("Sam Sales"), Id("Noor de Vries"), Id("Jonas Peeters")] },
                new RoutingTeam { Name = "United Kingdom", ManagerId = manager, Members = [Id("Sam Sales"), Id("Jonas Peeters")] },
                new RoutingTeam { Name = "DACH", ManagerId = manager, Members = [Id("Hannah Becker")] },
            ],
            Rules =
            [
                new RoutingRule { Name = "Netherlands and Belgium", Countries = ["NL", "BE"], Team = "Benelux" },
                new RoutingRule { Name = "United Kingdom", Countries = ["GB"], Team = "United Kingdom" },
                new RoutingRule { Name = "Germany, Austria, Switzerland", Countries = ["DE", "AT", "CH"], Team = "DACH" },
            ],
        };
        var settings = HandoverSettings.Create(organisation.Id);
        settings.Change(routing, "Ada Admin", now);
        db.HandoverSettings.Add(settings);
        var jonas = SalesRep.Create(organisation.Id, Id("Jonas Peeters"), now);
        jonas.Change(available: true, capacity: 25, now);
        db.SalesReps.Add(jonas);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Who plays which part in the stories: the demo users by display name.</summary>
    internal static DemoCast CastOf(Organisation organisation, IReadOnlyList<Reason> reasons, SalesPipeline pipeline, IReadOnlyDictionary<string, Actor> actors, DateTimeOffset historyStart) =>
        new(organisation, reasons, pipeline, actors["Mia Marketing"],
        [
            new(actors["Sam Sales"], new HashSet<string>(["NL", "GB"], StringComparer.Ordinal), 1.0),
            new(actors["Noor de Vries"], new HashSet<string>(["NL", "BE"], StringComparer.Ordinal), 1.0),
            new(actors["Jonas Peeters"], new HashSet<string>(["BE", "GB"], StringComparer.Ordinal), 0.8),
            new(actors["Hannah Becker"], new HashSet<string>(["DE"], StringComparer.Ordinal), 1.0),
        ], historyStart);

    /// <summary>Writes every journey, places it in the twelve months before <paramref name="now"/>, and plays it.</summary>
    internal static List<DemoJourney> Tell(DemoCast cast, DateTimeOffset historyStart, DateTimeOffset now)
    {
        var dice = new DemoDice(DiceSeed);
        var stories = new DemoStories(cast, dice, new DemoPeople(dice));
        var endings = DemoStories.Mix.SelectMany(m => Enumerable.Repeat(m.Stage, m.Count)).ToArray();
        dice.Shuffle(endings);
        var journeys = new List<DemoJourney>(endings.Length);
        foreach (var ending in endings)
        {
            var story = stories.Write(ending);
            story.Journey.Play(Place(story, dice, historyStart, now), now);
            if (story.Journey.Lead.Stage != story.FinalStage)
            {
                throw new InvalidOperationException($"A demo story meant to end in {story.FinalStage} ended in {story.Journey.Lead.Stage}.");
            }

            journeys.Add(story.Journey);
        }

        return journeys;
    }

    /// <summary>
    /// When a journey starts: anywhere in the history, or — for work still open — so that its last beat was recently.
    /// Working days stretch differently around weekends, so the start is moved back until no beat lies in the future: by as
    /// much as the last beat is late, or by a day when that did not move the last beat. A beat at a working day's office
    /// hour stays put while the start moves by hours within the same day or weekend: on a Monday before office hours, steps
    /// of a few hours took more than the 20 tries to get back past the weekend, and the demo failed to seed.
    /// </summary>
    private static DateTimeOffset Place(DemoStory story, DemoDice dice, DateTimeOffset historyStart, DateTimeOffset now)
    {
        var journey = story.Journey;
        var duration = journey.EndWhenStartingAt(historyStart) - historyStart;
        DateTimeOffset start;
        if (story.EndsAtMostAgo is { } most)
        {
            var least = story.EndsAtLeastAgo ?? TimeSpan.Zero;
            start = now - TimeSpan.FromMinutes(dice.Between(least.TotalMinutes, most.TotalMinutes)) - duration;
        }
        else
        {
            var latest = now - duration - TimeSpan.FromHours(1);
            var busiest = Season.Max();
            do
            {
                start = latest <= historyStart ? latest : historyStart + ((latest - historyStart) * dice.Between(0.0, 1.0));
            }
            while (latest > historyStart && dice.Between(0.0, busiest) > Season[start.UtcDateTime.Month - 1]);
        }

        start = WholeSeconds(start);
        DateTimeOffset? lastEnd = null;
        for (var tries = 0; journey.EndWhenStartingAt(start) is var end && end > now; tries++)
        {
            if (tries == 20)
            {
                throw new InvalidOperationException("A demo journey does not fit before now.");
            }

            start -= end == lastEnd ? TimeSpan.FromDays(1) : end - now + TimeSpan.FromHours(1);
            lastEnd = end;
        }

        return start;
    }

    /// <summary>Batches of about <paramref name="size"/> leads, never splitting the people of one company over two batches.</summary>
    private static List<List<Lead>> ByCompany(IEnumerable<Lead> leads, int size)
    {
        var batches = new List<List<Lead>>();
        var current = new List<Lead>();
        foreach (var colleagues in leads.GroupBy(l => l.CompanyId ?? l.Id))
        {
            current.AddRange(colleagues);
            if (current.Count >= size)
            {
                batches.Add(current);
                current = [];
            }
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }

    private static async Task<Error?> RefusalAsync(LeadgateDbContext db, string slug, IReadOnlyList<DemoUser> users, CancellationToken cancellationToken)
    {
        if (await db.Organisations.AnyAsync(o => o.Slug == slug, cancellationToken))
        {
            return new Conflict("slug-taken", $"An organisation with the slug '{slug}' already exists; the demo only seeds a new one.");
        }

        var normalised = users.Select(u => u.Email.ToUpperInvariant()).ToList();
        return await db.Users.AnyAsync(u => normalised.Contains(u.NormalizedEmail!), cancellationToken)
            ? new Conflict("user-exists", $"A demo user of '{slug}' already exists in another organisation.")
            : null;
    }

    /// <summary>
    /// The demo users of one organisation, each in their role, with the published demo password; their actors by display
    /// name. The demo users share that password, so a salt per user would protect nothing; one hash instead of one per
    /// user saves half a second on every first start in Development.
    /// </summary>
    internal static async Task<Dictionary<string, Actor>> CreateUsersAsync(
        IServiceProvider services, Organisation organisation, IReadOnlyList<DemoUser> users, Action<int>? created, CancellationToken cancellationToken)
    {
        var actors = new Dictionary<string, Actor>(StringComparer.Ordinal);
        var accounts = services.GetRequiredService<UserManager<User>>();
        var roles = services.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        var passwordHash = accounts.PasswordHasher.HashPassword(new User(), Password);
        foreach (var (user, index) in users.Select((u, i) => (u, i)))
        {
            if (!await roles.RoleExistsAsync(user.Role))
            {
                Must(await roles.CreateAsync(new IdentityRole<Guid>(user.Role) { Id = Ids.New() }));
            }

            var account = new User
            {
                Id = Ids.New(organisation.CreatedAt),
                OrganisationId = organisation.Id,
                UserName = user.Email,
                Email = user.Email,
                EmailConfirmed = true,
                DisplayName = user.DisplayName,
                PasswordHash = passwordHash,
            };
            Must(await accounts.CreateAsync(account));
            Must(await accounts.AddToRoleAsync(account, user.Role));
            actors[user.DisplayName] = Actor.ForUser(organisation.Id, account.Id, user.DisplayName, [user.Role], Channel.Ui);
            created?.Invoke(index);
        }

        return actors;
    }

    private static void Must(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("A demo user could not be created: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    /// <summary>The demo's addresses live under the organisation's own subdomain, so several demo organisations can coexist.</summary>
    private static string EmailIn(string slug, string email) => $"{email[..email.IndexOf('@')]}@{slug}.leadgate.dev";

    private static DateTimeOffset WholeSeconds(DateTimeOffset moment) =>
        new(moment.UtcTicks - (moment.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
