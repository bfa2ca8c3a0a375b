using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Microsoft.EntityFrameworkCore;
using Leadgate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>
/// Issue 17, acceptance 2: the funnel's numbers equal an independent computation in plain C# over the raw stage events of a
/// fixture with skipped stages, Nurture and back, disqualification from every stage, imported history and another
/// organisation's leads (never counted), on SQLite and PostgreSQL.
/// </summary>
public abstract class ReportsApiTests(TestApp app)
{
    private static readonly Stage[] Funnel = [Stage.Iql, Stage.Mql, Stage.Sql, Stage.Opportunity, Stage.Customer];

    [Fact]
    public async Task Funnel_EqualsAPlainComputationOverTheRawEvents_InEveryView_WithAndWithoutImportedHistory_AndGrouped()
    {
        var tenant = await app.NewTenantAsync();
        var stranger = await app.NewTenantAsync();
        var start = Start();
        var fixture = await ReportFixture.WriteAsync(app, tenant, start, seed: 17);
        await ReportFixture.WriteAsync(app, stranger, start, seed: 71);
        Assert.Contains(fixture.Events, e => e.To == Stage.Customer && e.From == Stage.Sql);
        Assert.Contains(fixture.Events, e => e.To == Stage.Mql && e.From == Stage.Nurture);
        Assert.Contains(fixture.Events, e => e.Actor == ActorKind.Import && e.To == Stage.Mql);
        foreach (var stage in new[] { Stage.Iql, Stage.Mql, Stage.Sql, Stage.Opportunity })
        {
            Assert.True(fixture.Events.Any(e => e.From == stage && e.To == Stage.Disqualified), $"No {stage} → Disqualified among {string.Join(", ", fixture.Events.GroupBy(e => $"{e.From}→{e.To}").Select(g => $"{g.Key} {g.Count()}"))}");
        }

        var (from, to) = (start.AddMonths(2), start.AddMonths(5));
        foreach (var (view, imported) in new[] { ("period", true), ("period", false), ("cohort", true), ("cohort", false) })
        {
            var query = $"?from={Day(from)}&to={Day(to)}&view={view}&includeImported={(imported ? "true" : "false")}";
            var answer = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/reports/funnel" + query)).Expect(HttpStatusCode.OK).Body!;
            Assert.Equal(view == "period" ? "periodRatio" : "cohortRatio", (string?)answer["ratioKind"]);
            var expected = Expected(fixture, from, to, view == "cohort", imported, _ => true);
            Assert.Equal(expected, Read(answer["stages"]!));

            var grouped = (await tenant.Marketing.SendAsync(HttpMethod.Get, "/api/v1/reports/funnel" + query + "&by=source")).Expect(HttpStatusCode.OK).Body!;
            Assert.Equal(expected, Read(grouped["stages"]!));
            var groups = grouped["groups"]!.AsArray();
            foreach (var source in fixture.Leads.Select(l => l.Source).Distinct()
                .Where(s => Expected(fixture, from, to, view == "cohort", imported, l => l.Source == s).Any(x => x.Reached + x.Exited + x.Recycled > 0)))
            {
                Assert.Contains(groups, g => (string?)g!["key"] == source);
            }

            foreach (var group in groups)
            {
                var source = (string?)group!["key"];
                Assert.Equal(Expected(fixture, from, to, view == "cohort", imported, l => l.Source == source), Read(group["stages"]!));
            }
        }

        var owner = tenant.Members["sales"].Id;
        var filtered = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/reports/funnel?from={Day(from)}&to={Day(to)}&ownerId={owner}&fitTier=high")).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal(Expected(fixture, from, to, false, true, l => l.OwnerId == owner && l.Fit >= 70), Read(filtered["stages"]!));
        var byOwner = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/reports/funnel?from={Day(from)}&to={Day(to)}&by=owner")).Expect(HttpStatusCode.OK).Body!;
        var mine = byOwner["groups"]!.AsArray().Single(g => (string?)g!["key"] == owner.ToString())!;
        Assert.Equal(Expected(fixture, from, to, false, true, l => l.OwnerId == owner), Read(mine["stages"]!));
        Assert.NotEqual(owner.ToString(), (string?)mine["label"]);
    }

    [Fact]
    public async Task Funnel_ConversionSaysWhatItIsOf_AndTheStrangersFunnelIsEmpty()
    {
        var tenant = await app.NewTenantAsync();
        var stranger = await app.NewTenantAsync();
        var start = Start();
        await ReportFixture.WriteAsync(app, tenant, start, seed: 5);
        var query = $"/api/v1/reports/funnel?from={Day(start)}&to={Day(start.AddMonths(8))}";
        var stages = (await tenant.Manager.SendAsync(HttpMethod.Get, query)).Expect(HttpStatusCode.OK).Body!["stages"]!.AsArray();
        Assert.Equal(Funnel.Select(s => s.ToString()), stages.Select(s => (string)s!["stage"]!));
        for (var i = 0; i < 4; i++)
        {
            var conversion = stages[i]!["conversionToNext"]!;
            Assert.Equal((long)stages[i + 1]!["reached"]!, (long)conversion["numerator"]!);
            Assert.Equal((long)stages[i]!["reached"]!, (long)conversion["denominator"]!);
            Assert.Equal(Math.Round((decimal)(long)conversion["numerator"]! / (long)conversion["denominator"]!, 4), (decimal)conversion["rate"]!);
        }

        Assert.Null(stages[4]!["conversionToNext"]);
        var empty = (await stranger.Manager.SendAsync(HttpMethod.Get, query)).Expect(HttpStatusCode.OK).Body!["stages"]!.AsArray();
        Assert.All(empty, s => Assert.Equal(0, (long)s!["reached"]! + (long)s["entered"]! + (long)s["exited"]!));
    }

    [Fact]
    public async Task Forecast_WeightedIsValueTimesProbabilityByMonthAndCategory_AndAPastMonthsBacktestIgnoresWhatCameAfterIt()
    {
        var tenant = await app.NewTenantAsync();
        var now = app.Clock.GetUtcNow();
        var thisMonth = new DateOnly(now.Year, now.Month, 1);
        var past = thisMonth.AddMonths(-2);
        var user = Actor.ForUser(tenant.OrganisationId, tenant.Members["sales"].Id, "Sales", [Roles.Sales], Channel.Api);
        var categories = new[] { ForecastCategory.Pipeline, ForecastCategory.BestCase, ForecastCategory.Commit, ForecastCategory.Omitted };
        var expected = new Dictionary<(string, string), (int Deals, decimal Value, decimal Weighted)>();
        string currency;
        Deal late;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            currency = await db.Organisations.Where(o => o.Id == tenant.OrganisationId).Select(o => o.DefaultCurrency).SingleAsync(TestContext.Current.CancellationToken);
            var opened = Moment(past.AddMonths(-1));
            Deal NewDeal(int i, decimal value, string inCurrency, DateOnly closes, int probability, ForecastCategory category)
            {
                var contact = Contact.Create(tenant.OrganisationId, EmailAddress.Parse($"deal{i}@forecast.example.com").Value, opened);
                var lead = Lead.Create(contact, null, "Website", null, user, opened).Value;
                db.Leads.Add(lead);
                var deal = Deal.Open(lead, new DealTerms(value, inCurrency, closes), user, opened);
                deal.Plan(new DealPlan { SetsProbability = true, Probability = probability, SetsForecastCategory = true, ForecastCategory = category }, opened);
                db.Deals.Add(deal);
                db.DealChanges.Add(DealChange.Of(deal, user, opened.AddMinutes(i)));
                return deal;
            }

            for (var i = 0; i < 16; i++)
            {
                var (value, probability, category, closes) = (1_000m + (i * 250), 10 + (i * 5), categories[i % 4], thisMonth.AddMonths(i % 3).AddDays(i));
                NewDeal(i, value, currency, closes, probability, category);
                var key = (Month(closes), category.ToString());
                var sum = expected.GetValueOrDefault(key);
                expected[key] = (sum.Deals + 1, sum.Value + value, sum.Weighted + (value * probability / 100m));
            }

            NewDeal(100, 999m, currency == "USD" ? "JPY" : "USD", thisMonth.AddDays(3), 50, ForecastCategory.Commit);

            // The past month: two deals expected to close in it, one won in it.
            var won = NewDeal(200, 5_000m, currency, past.AddDays(10), 40, ForecastCategory.Commit);
            NewDeal(201, 3_000m, currency, past.AddDays(20), 60, ForecastCategory.BestCase);
            won.MarkWon(4_500m, past.AddDays(12), Moment(past.AddDays(12)));
            db.DealChanges.Add(DealChange.Of(won, user, Moment(past.AddDays(12))));
            late = NewDeal(202, 2_000m, currency, past.AddMonths(1).AddDays(5), 30, ForecastCategory.Pipeline);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var query = $"/api/v1/reports/forecast?from={Day(thisMonth)}&to={Day(thisMonth.AddMonths(3))}";
        var answer = (await tenant.Manager.SendAsync(HttpMethod.Get, query)).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal(currency, (string?)answer["currency"]);
        var weighted = answer["weighted"]!.AsArray().ToDictionary(
            w => ((string)w!["month"]!, (string)w["category"]!), w => ((int)w!["deals"]!, (decimal)w["value"]!, (decimal)w["weightedValue"]!));
        Assert.Equal(expected.OrderBy(e => e.Key).ToList(), weighted.OrderBy(e => e.Key).ToList());
        var withoutRate = Assert.Single(answer["withoutRate"]!.AsArray())!;
        Assert.Equal((1, 999m), ((int)withoutRate["deals"]!, (decimal)withoutRate["value"]!));
        var first = answer["rollups"]!.AsArray()[0]!;
        var month = Month(thisMonth);
        Assert.Equal(expected.Where(e => e.Key.Item1 == month && e.Key.Item2 is "Commit").Sum(e => e.Value.Value), (decimal)first["commit"]!["value"]!);
        Assert.Equal(expected.Where(e => e.Key.Item1 == month && e.Key.Item2 is "Commit" or "BestCase").Sum(e => e.Value.Value), (decimal)first["bestCase"]!["value"]!);
        Assert.Equal(expected.Where(e => e.Key.Item1 == month).Sum(e => e.Value.Deals), (int)first["pipeline"]!["deals"]!);

        var before = Backtest(answer);
        Assert.Equal((5_000m * 0.4m) + (3_000m * 0.6m), before[Month(past)].Forecast);
        Assert.Equal(4_500m, before[Month(past)].Actual);
        Assert.NotNull(answer["backtest"]!["wape"]);

        // What happens after the past month (a deal of the next month revised and won) leaves it as it was.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            db.Attach(late);
            var after = Moment(past.AddMonths(1).AddDays(3));
            late.Plan(new DealPlan { SetsProbability = true, Probability = 90 }, after);
            late.MarkWon(2_500m, past.AddMonths(1).AddDays(3), after);
            db.DealChanges.Add(DealChange.Of(late, user, after));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var later = Backtest((await tenant.Manager.SendAsync(HttpMethod.Get, query)).Expect(HttpStatusCode.OK).Body!);
        Assert.Equal(before[Month(past)], later[Month(past)]);
        Assert.Equal(2_500m, later[Month(past.AddMonths(1))].Actual);
        Assert.NotEqual(before[Month(past.AddMonths(1))], later[Month(past.AddMonths(1))]);
    }

    private static Dictionary<string, (decimal Forecast, decimal Actual)> Backtest(JsonNode answer) =>
        answer["backtest"]!["months"]!.AsArray().ToDictionary(m => (string)m!["month"]!, m => ((decimal)m!["forecast"]!, (decimal)m["actual"]!));

    private static DateTimeOffset Moment(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue).AddHours(9), TimeSpan.Zero);

    private static string Month(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ReportFunnelVerb_PrintsTheApisJson()
    {
        var tenant = await app.NewTenantAsync();
        var start = Start();
        await ReportFixture.WriteAsync(app, tenant, start, seed: 23);
        var (from, to) = (Day(start.AddMonths(2)), Day(start.AddMonths(6)));
        var api = (await tenant.Manager.SendAsync(HttpMethod.Get, $"/api/v1/reports/funnel?from={from}&to={to}&by=source")).Expect(HttpStatusCode.OK).Body!;

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Leadgate.Web.Cli.LeadgateCli.RunAsync(
            ["report", "funnel", "--org", tenant.Slug, "--from", from, "--to", to, "--by", "source", "--format", "json",
                "--environment=Testing", $"--Database:Provider={app.Provider}", $"--Database:ConnectionString={app.ConnectionString}"],
            new Leadgate.Web.Cli.CliConsole(output, error, interactive: false), TestContext.Current.CancellationToken);

        Assert.True(exit == 0, error.ToString());
        Assert.True(JsonNode.DeepEquals(api, JsonNode.Parse(output.ToString())), $"API {api.ToJsonString()}\nCLI {output}");
        Assert.NotEmpty(api["groups"]!.AsArray());
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("from=2026-06-01&to=2026-05-01", "to")]
    [InlineData("by=colour", "by")]
    [InlineData("view=weekly", "view")]
    [InlineData("ownerId=nobody", "ownerId")]
    [InlineData("fitTier=huge", "fitTier")]
    [InlineData("team=Nowhere", "team")]
    [InlineData("includeImported=maybe", "includeImported")]
    public async Task Funnel_ABadParameter_IsA400NamingIt(string query, string parameter)
    {
        var tenant = await app.NewTenantAsync();
        var refused = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/reports/funnel?" + query)).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(refused.Body!["errors"]![parameter]);
    }

    [Fact]
    public async Task Funnel_IsForManagersAdminsAndMarketing_NotForSales()
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/reports/funnel")).Expect(HttpStatusCode.Forbidden);
        (await tenant.Marketing.SendAsync(HttpMethod.Get, "/api/v1/reports/funnel")).Expect(HttpStatusCode.OK);
        (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/reports/forecast")).Expect(HttpStatusCode.Forbidden);
        (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/reports/forecast?from=2026-01-01&to=2025-01-01")).Expect(HttpStatusCode.BadRequest);
    }

    internal static DateOnly Start(TestApp app) => new DateOnly(app.Clock.GetUtcNow().Year, app.Clock.GetUtcNow().Month, 1).AddMonths(-10);

    private DateOnly Start() => Start(app);

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static List<(string Stage, long Entered, long Reached, long Skipped, long Recycled, long Exited)> Read(JsonNode stages) =>
        [.. stages.AsArray().Select(s => ((string)s!["stage"]!, (long)s["entered"]!, (long)s["reached"]!, (long)s["skipped"]!, (long)s["recycled"]!, (long)s["exited"]!))];

    /// <summary>docs/reports.md computed the plain way: per lead, its events in order.</summary>
    internal static List<(string Stage, long Entered, long Reached, long Skipped, long Recycled, long Exited)> Expected(
        ReportFixture fixture, DateOnly fromDay, DateOnly toDay, bool cohort, bool includeImported, Func<FixtureLead, bool> counts)
    {
        var from = new DateTimeOffset(fromDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = new DateTimeOffset(toDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        bool Inside(DateTimeOffset? at) => at >= from && at < to;
        var result = Funnel.Select(s => (Stage: s.ToString(), Entered: 0L, Reached: 0L, Skipped: 0L, Recycled: 0L, Exited: 0L)).ToList();
        foreach (var lead in fixture.Leads.Where(counts))
        {
            var events = fixture.Events.Where(e => e.LeadId == lead.Id && (includeImported || e.Actor != ActorKind.Import)).OrderBy(e => e.At).ToList();
            if (events.Count == 0)
            {
                continue;
            }

            var funnelStart = events.Where(e => e.To.FunnelRank() is not null).Select(e => (DateTimeOffset?)e.At).FirstOrDefault();
            if (cohort && !Inside(funnelStart))
            {
                continue;
            }

            bool Counted(DateTimeOffset? at) => cohort ? at is not null : Inside(at);
            for (var s = 0; s < Funnel.Length; s++)
            {
                var stage = Funnel[s];
                var entries = events.Where(e => e.To == stage).ToList();
                var first = entries.FirstOrDefault()?.At;
                var reach = events.FirstOrDefault(e => e.To.FunnelRank() >= s)?.At;
                var row = result[s];
                row.Entered += Counted(first) ? 1 : 0;
                row.Reached += Counted(reach) ? 1 : 0;
                row.Skipped += Counted(reach) && (first is null || first > reach) ? 1 : 0;
                row.Recycled += entries.Skip(1).Count(e => cohort || Inside(e.At));
                row.Exited += events.Count(e => e.From == stage && e.To is Stage.Nurture or Stage.Disqualified && (cohort || Inside(e.At)));
                result[s] = row;
            }
        }

        return result;
    }
}

public sealed record FixtureLead(Guid Id, string? Source, Guid? OwnerId, decimal? Fit);

public sealed record FixtureEvent(Guid LeadId, Stage? From, Stage To, DateTimeOffset At, ActorKind Actor, string? Reason = null);

public sealed record FixtureDeal(Guid LeadId, DealStatus Status, decimal Value, decimal? WonAmount, DateOnly? ClosedOn, DateTimeOffset CreatedAt, string Currency);

public sealed record FixtureHandover(Guid LeadId, DateTimeOffset AssignedAt, DateTimeOffset DueAt, DateTimeOffset? FirstTouchAt);

/// <summary>
/// Leads on random but lawful journeys (seeded): created by a user or an import (an import may bring an earlier Mql with it),
/// Iql → Mql, Mql → Sql, Sql → Customer straight (a skip) or through Opportunity, Nurture and back to Mql, Disqualified from
/// every stage, lost to Nurture or Disqualified. The rows are written as stored rows; the report reads nothing else.
/// </summary>
public sealed record ReportFixture(IReadOnlyList<FixtureLead> Leads, IReadOnlyList<FixtureEvent> Events)
{
    public IReadOnlyList<FixtureDeal> Deals { get; init; } = [];

    public IReadOnlyList<FixtureHandover> Handovers { get; init; } = [];

    private static readonly string?[] Reasons = ["no_budget", "poor_fit", "spam", null];

    private static readonly string?[] Sources = ["Website", "LinkedIn", "Referral", null];
    private static readonly decimal?[] Fits = [null, 30m, 55m, 85m];

    public static async Task<ReportFixture> WriteAsync(TestApp app, Tenant tenant, DateOnly start, int seed, int leads = 200)
    {
        var random = new Random(seed);
        var organisation = tenant.OrganisationId;
        var user = Actor.ForUser(organisation, tenant.Members["sales"].Id, "Sales", [Roles.Sales], Channel.Api);
        var import = Actor.ForImport(organisation);
        var fixtureLeads = new List<FixtureLead>();
        var fixtureEvents = new List<FixtureEvent>();
        var fixtureDeals = new List<(Deal Deal, Guid LeadId)>();
        var fixtureHandovers = new List<FixtureHandover>();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        var currency = await db.Organisations.Where(o => o.Id == organisation).Select(o => o.DefaultCurrency).SingleAsync(TestContext.Current.CancellationToken);
        var origin = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var i = 0; i < leads; i++)
        {
            var at = origin.AddDays(random.Next(0, 150)).AddMinutes(random.Next(0, 1440));
            var imported = random.NextDouble() < 0.25;
            var contact = Contact.Create(organisation, EmailAddress.Parse($"lead{i}-{seed}@fixture.example.com").Value, at);
            var source = Sources[random.Next(Sources.Length)];
            var lead = Lead.Create(contact, null, source, "Campaign " + random.Next(3), imported ? import : user, at).Value;
            Guid? owner = random.NextDouble() < 0.5 ? tenant.Members["sales"].Id : random.NextDouble() < 0.5 ? tenant.Members["sales2"].Id : null;
            if (owner is { } id)
            {
                lead.AssignTo(id, "fixture", user, at);
            }

            var fit = Fits[random.Next(Fits.Length)];
            lead.RecordScores(fit, 0, at);
            db.Leads.Add(lead);
            fixtureLeads.Add(new FixtureLead(lead.Id, source, owner, fit));
            fixtureEvents.Add(new FixtureEvent(lead.Id, null, Stage.Iql, at, imported ? ActorKind.Import : ActorKind.User));

            var stage = Stage.Iql;
            for (var step = 0; step < 8; step++)
            {
                at = at.AddDays(random.Next(1, 16)).AddMinutes(random.Next(1, 600));
                var options = stage switch
                {
                    Stage.Iql => new[] { Stage.Mql, Stage.Mql, Stage.Mql, Stage.Disqualified },
                    Stage.Mql => [Stage.Sql, Stage.Sql, Stage.Nurture, Stage.Disqualified],
                    Stage.Sql => [Stage.Opportunity, Stage.Opportunity, Stage.Customer, Stage.Nurture, Stage.Disqualified],
                    Stage.Opportunity => [Stage.Customer, Stage.Nurture, Stage.Disqualified],
                    Stage.Nurture => [Stage.Mql, Stage.Mql, Stage.Disqualified],
                    _ => [],
                };
                if (options.Length == 0 || random.NextDouble() < 0.1)
                {
                    break;
                }

                var next = options[random.Next(options.Length)];
                var by = imported && step == 0 && next == Stage.Mql ? import : user;
                var reason = next is Stage.Nurture or Stage.Disqualified ? Reasons[random.Next(Reasons.Length)] : null;
                db.StageEvents.Add(StageEvent.Record(lead, stage, next, by, at, reason, null, null));
                fixtureEvents.Add(new FixtureEvent(lead.Id, stage, next, at, by.Kind, reason));
                var open = fixtureDeals.FirstOrDefault(d => d.LeadId == lead.Id && d.Deal.Status == DealStatus.Open).Deal;
                if (next == Stage.Sql && fixtureDeals.All(d => d.LeadId != lead.Id))
                {
                    var deal = Deal.Open(lead, new DealTerms(1_000m + random.Next(0, 50) * 100m, currency, DateOnly.FromDateTime(at.UtcDateTime).AddDays(30)), user, at);
                    db.Deals.Add(deal);
                    db.Entry(lead).Property(l => l.DealId).CurrentValue = deal.Id;
                    fixtureDeals.Add((deal, lead.Id));
                }
                else if (open is not null && next == Stage.Customer)
                {
                    open.MarkWon(open.Value + 500m, DateOnly.FromDateTime(at.UtcDateTime), at);
                }
                else if (open is not null && next is Stage.Nurture or Stage.Disqualified)
                {
                    open.MarkLost(reason ?? "other", null, DateOnly.FromDateTime(at.UtcDateTime), at);
                }

                if (next == Stage.Mql && owner is { } rep)
                {
                    var handover = LeadHandover.Start(organisation, lead.Id, at);
                    handover.Routed(rep, null, "fixture");
                    handover.StartClock(at.AddHours(4), null);
                    if (random.NextDouble() < 0.8)
                    {
                        handover.Touched(at.AddMinutes(random.Next(5, 600)));
                    }

                    db.Handovers.Add(handover);
                    fixtureHandovers.Add(new FixtureHandover(lead.Id, at, at.AddHours(4), handover.FirstTouchAt));
                }

                stage = next;
            }
        }

        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return new ReportFixture(fixtureLeads, fixtureEvents)
        {
            Deals = [.. fixtureDeals.Select(d => new FixtureDeal(d.LeadId, d.Deal.Status, d.Deal.Value, d.Deal.WonAmount, d.Deal.ClosedOn, d.Deal.CreatedAt, d.Deal.Currency))],
            Handovers = fixtureHandovers,
        };
    }
}

public sealed class ReportsApiTests_Sqlite(SqliteApp app) : ReportsApiTests(app), IClassFixture<SqliteApp>;

public sealed class ReportsApiTests_Postgres(PostgresApp app) : ReportsApiTests(app), IClassFixture<PostgresApp>;
