using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Cli;

/// <summary>
/// `leadgate demo` on a real database: every stage is present, and every lead's history is one the lifecycle rules
/// allow — the demo walks the real domain methods, so a story that breaks a rule would not have been written.
/// </summary>
public abstract class DemoSeedTests(CliDatabase database)
{
    [Fact]
    public async Task Demo_SeedsLeadsInEveryStage_EachWithAHistoryTheLifecycleAllows()
    {
        var run = (await database.RunAsync("demo")).Succeeded();

        Assert.Contains("Seeded 'demo' (Demo B.V.)", run.Output, StringComparison.Ordinal);
        var demo = await LoadAsync("demo");
        Assert.InRange(demo.Leads.Count, 450, 550);
        Assert.All(Stages.All, stage => Assert.Contains(demo.Leads, l => l.Stage == stage));
        Assert.All(demo.Leads, lead => AssertHistoryIsAllowed(lead, demo));
    }

    [Fact]
    public async Task Demo_SpreadsSixMonthsOfHistory_OverTheSalesTeam()
    {
        (await database.RunAsync("demo", "--org", "demo-team")).Succeeded();

        var demo = await LoadAsync("demo-team");
        var now = DateTimeOffset.UtcNow;
        Assert.All(demo.Leads, l => Assert.InRange(l.CreatedAt, now.AddDays(-190), now));
        Assert.Contains(demo.Leads, l => l.CreatedAt < now.AddDays(-150));
        Assert.Contains(demo.Leads, l => l.CreatedAt > now.AddDays(-7));
        var owners = demo.Leads.Where(l => l.OwnerId is not null).Select(l => l.OwnerId!.Value).ToHashSet();
        Assert.Subset(demo.SalesUsers.ToHashSet(), owners);
        Assert.True(owners.Count >= 4, $"Only {owners.Count} sales reps own leads.");
        var openMqls = demo.Leads.Where(l => l.Stage == Stage.Mql).ToList();
        Assert.Equal([WorkStatus.New, WorkStatus.Attempting, WorkStatus.Connected], openMqls.Select(l => l.WorkStatus).Distinct().Order());
        Assert.All(openMqls.Where(l => l.WorkStatus == WorkStatus.Connected), l => Assert.Contains(l.Activities, a => a.IsTwoWayConversation && a.OccurredAt >= l.MqlAt));
    }

    [Fact]
    public async Task Demo_IntoAnExistingOrganisation_IsRefusedWithExitCode4_AndWritesNothing()
    {
        (await database.RunAsync("demo", "--org", "demo-twice")).Succeeded();
        var before = (await LoadAsync("demo-twice")).Leads.Count;

        var again = await database.RunAsync("demo", "--org", "demo-twice");

        Assert.Equal(4, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, (await LoadAsync("demo-twice")).Leads.Count);
    }

    [Fact]
    public async Task Demo_HasATrainedLikelihoodModel_AndItsLeadsShowTheirLikelihoodWithReasons()
    {
        var run = (await database.RunAsync("demo", "--org", "demo-model")).Succeeded();

        Assert.Contains("Likelihood model version 1 active", run.Output, StringComparison.Ordinal);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var organisation = await db.Organisations.SingleAsync(o => o.Slug == "demo-model", cancellationToken);
        var model = await db.PredictionModels.SingleAsync(m => m.OrganisationId == organisation.Id, cancellationToken);
        Assert.True(model.Active);
        Assert.True(model.Auc > 0.6, $"AUC {model.Auc}");
        Assert.True(model.ClosedLeads >= Leadgate.Prediction.ClosedLeadCounts.MinimumClosed);
        var leads = await db.Leads.CountAsync(l => l.OrganisationId == organisation.Id, cancellationToken);
        Assert.Equal(leads, await db.LeadLikelihoods.CountAsync(l => l.OrganisationId == organisation.Id, cancellationToken));

        var mql = await db.Leads.Where(l => l.OrganisationId == organisation.Id && l.Stage == Stage.Mql).Select(l => l.Id).FirstAsync(cancellationToken);
        var actor = Actor.ForSystem(organisation.Id);
        var lead = (await scope.ServiceProvider.GetRequiredService<GetLead>().HandleAsync(mql, actor, cancellationToken)).Value;
        Assert.NotNull(lead.Likelihood);
        Assert.NotEmpty(lead.Likelihood.Reasons);
        var p = lead.Likelihood.Probability;
        Assert.Equal(Math.Log(p / (1 - p)), lead.Likelihood.Baseline + lead.Likelihood.Reasons.Sum(r => r.Contribution), 6);
    }

    /// <summary>The rules a seeded lead's history must follow, read from the database.</summary>
    private static void AssertHistoryIsAllowed(Lead lead, Seeded demo)
    {
        var history = lead.History.OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
        Assert.Equal((null, Stage.Iql), (history[0].From, history[0].To));
        for (var i = 1; i < history.Count; i++)
        {
            Assert.Equal(history[i - 1].To, history[i].From);
            Assert.True(history[i].At > history[i - 1].At, $"Lead {lead.Id}: stage events out of order.");
            Assert.NotNull(Lifecycle.Table.FirstOrDefault(t => t.From == history[i].From && t.To == history[i].To));
        }

        Assert.Equal(history[^1].To, lead.Stage);
        Assert.Equal(history.Select(e => e.To).Aggregate(Stage.Iql, Stages.Higher), lead.HighestStage);
        Assert.All(lead.Activities, a => Assert.InRange(a.OccurredAt, lead.CreatedAt, DateTimeOffset.UtcNow));
        Assert.All(lead.Activities, a => Assert.Contains(a.UserId!.Value, demo.SalesUsers));

        var deal = demo.Deals.SingleOrDefault(d => d.LeadId == lead.Id);
        if (lead.HighestStage.FunnelRank() < Stage.Sql.FunnelRank())
        {
            Assert.Null(deal);
            Assert.Null(lead.DealId);
            return;
        }

        Assert.NotNull(deal);
        Assert.Equal(deal.Id, lead.DealId);
        Assert.Equal(
            lead.Stage switch
            {
                Stage.Sql or Stage.Opportunity => DealStatus.Open,
                Stage.Customer => DealStatus.Won,
                _ => DealStatus.Lost,
            },
            deal.Status);
        if (lead.Stage == Stage.Opportunity)
        {
            Assert.True(deal.ProposalAmount > 0);
        }

        var accept = Assert.Single(history, e => e.To == Stage.Sql);
        Assert.Contains(accept.ActorUserId!.Value, demo.SalesUsers);
        var becameMql = history.Last(e => e.To == Stage.Mql && e.At < accept.At).At;
        var conversation = Assert.Single(lead.Activities, a => a.Id == accept.EvidenceActivityId);
        Assert.True(conversation.IsTwoWayConversation, $"Lead {lead.Id} was accepted on a {conversation.Type} {conversation.Outcome}.");
        Assert.InRange(conversation.OccurredAt, becameMql, accept.At);
        Assert.Equal(Qualification.BantStatus.Confirmed, lead.Bant.Need.Status);
    }

    private sealed record Seeded(IReadOnlyList<Lead> Leads, IReadOnlyList<Deal> Deals, IReadOnlySet<Guid> SalesUsers);

    private async Task<Seeded> LoadAsync(string slug)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var organisation = await db.Organisations.SingleAsync(o => o.Slug == slug, cancellationToken);
        var leads = await db.Leads.AsNoTracking().AsSplitQuery()
            .Include(l => l.History).Include(l => l.Activities)
            .Where(l => l.OrganisationId == organisation.Id)
            .ToListAsync(cancellationToken);
        var deals = await db.Deals.AsNoTracking().Where(d => d.OrganisationId == organisation.Id).ToListAsync(cancellationToken);
        var salesUsers = await (
            from user in db.Users
            join userRole in db.UserRoles on user.Id equals userRole.UserId
            join role in db.Roles on userRole.RoleId equals role.Id
            where user.OrganisationId == organisation.Id && role.Name == Roles.Sales
            select user.Id).ToListAsync(cancellationToken);
        return new Seeded(leads, deals, salesUsers.ToHashSet());
    }
}

public sealed class DemoSeedTests_Sqlite(SqliteCliDatabase database) : DemoSeedTests(database), IClassFixture<SqliteCliDatabase>
{
    /// <summary>The same seed tells the same stories: a screenshot, a bug report and a test all see the same demo.</summary>
    [Fact]
    public async Task Demo_TellsTheSameStoriesEveryTime()
    {
        (await database.RunAsync("demo", "--org", "same-a")).Succeeded();
        (await database.RunAsync("demo", "--org", "same-b")).Succeeded();

        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        async Task<List<string>> StoriesOfAsync(string slug) => [.. (await db.Leads.AsNoTracking()
            .Where(l => db.Organisations.Any(o => o.Id == l.OrganisationId && o.Slug == slug))
            .Select(l => new { l.Contact.Email, l.Stage, l.HighestStage, l.WorkStatus, l.Source, l.Campaign, Events = l.History.Count, Activities = l.Activities.Count })
            .ToListAsync(TestContext.Current.CancellationToken))
            .Select(s => s.ToString()!).Order(StringComparer.Ordinal)];

        Assert.Equal(await StoriesOfAsync("same-a"), await StoriesOfAsync("same-b"));
    }
}

public sealed class DemoSeedTests_Postgres(PostgresCliDatabase database) : DemoSeedTests(database), IClassFixture<PostgresCliDatabase>;
