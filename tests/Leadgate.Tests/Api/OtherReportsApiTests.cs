using System.Net;
using System.Text.Json.Nodes;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Leadgate.Tests.Api.ReportsApiTests;

namespace Leadgate.Tests.Api;

/// <summary>
/// Issue 17, acceptance 2 for the reports beside the funnel: each one's numbers equal a plain computation over the fixture's raw
/// rows (ReportFixture: skipped stages, Nurture and back, disqualification from every stage, imported history, deals won and
/// lost, handovers), and another organisation's rows never count — on SQLite and PostgreSQL.
/// </summary>
public abstract class OtherReportsApiTests(TestApp app)
{
    private static readonly Stage[] Funnel = [Stage.Iql, Stage.Mql, Stage.Sql, Stage.Opportunity, Stage.Customer];

    private async Task<(Tenant Tenant, ReportFixture Fixture, DateOnly From, DateOnly To)> ArrangeAsync(int seed)
    {
        var tenant = await app.NewTenantAsync();
        var stranger = await app.NewTenantAsync();
        var start = Start(app);
        var fixture = await ReportFixture.WriteAsync(app, tenant, start, seed);
        await ReportFixture.WriteAsync(app, stranger, start, seed + 1);
        return (tenant, fixture, start.AddMonths(1), start.AddMonths(5));
    }

    private static DateTimeOffset Moment(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static List<FixtureEvent> EventsOf(ReportFixture fixture, Guid lead, bool imported = true) =>
        [.. fixture.Events.Where(e => e.LeadId == lead && (imported || e.Actor != ActorKind.Import)).OrderBy(e => e.At)];

    private static DateTimeOffset? FirstEntry(List<FixtureEvent> events, int stage) =>
        events.Where(e => e.To == Funnel[stage]).Select(e => (DateTimeOffset?)e.At).FirstOrDefault();

    private static DateTimeOffset? FirstReach(List<FixtureEvent> events, int stage) =>
        events.Where(e => e.To.FunnelRank() >= stage).Select(e => (DateTimeOffset?)e.At).FirstOrDefault();

    private static async Task<JsonNode> GetAsync(Tenant tenant, string report, string query) =>
        (await tenant.Manager.SendAsync(HttpMethod.Get, $"/api/v1/reports/{report}?{query}")).Expect(HttpStatusCode.OK).Body!;

    [Fact]
    public async Task Cohorts_EqualAPlainComputation_PerMonthAndWindow_AndGroupedBySource()
    {
        var (tenant, fixture, from, to) = await ArrangeAsync(31);
        var now = app.Clock.GetUtcNow();
        foreach (var source in new string?[] { null, "Website" })
        {
            var answer = await GetAsync(tenant, "cohorts", $"from={Day(from)}&to={Day(to)}&by=source");
            var cohorts = source is null ? answer["cohorts"]! : answer["groups"]!.AsArray().Single(g => (string?)g!["key"] == source)!["cohorts"]!;
            foreach (var cohort in cohorts.AsArray())
            {
                var month = DateOnly.ParseExact((string)cohort!["month"]! + "-01", "yyyy-MM-dd");
                var (a, b) = (string)cohort["transition"]! == "mqlToSql" ? (1, 2) : (2, 4);
                var members = fixture.Leads.Where(l => source is null || l.Source == source)
                    .Select(l => EventsOf(fixture, l.Id)).Select(e => (Entry: FirstEntry(e, a), Reach: FirstReach(e, b)))
                    .Where(x => x.Entry >= Moment(month) && x.Entry < Moment(month.AddMonths(1))).ToList();
                Assert.Equal(members.Count, (long)cohort["size"]!);
                foreach (var window in new[] { 30, 60, 90 })
                {
                    var converted = members.Count(x => x.Reach >= x.Entry && x.Reach - x.Entry <= TimeSpan.FromDays(window));
                    Assert.Equal(converted, (long)cohort[$"within{window}"]!["numerator"]!);
                    Assert.Equal(members.Count, (long)cohort[$"within{window}"]!["denominator"]!);
                    Assert.Equal(Moment(month.AddMonths(1)).AddDays(window) > now, cohort["incomplete"]!.AsArray().Any(w => (int)w! == window));
                }
            }

            Assert.Equal(2 * 4, cohorts.AsArray().Count);
        }
    }

    [Fact]
    public async Task Velocity_EqualsNearestRankPercentilesOfTheFirstEntries_InBothViews_WithAndWithoutImports()
    {
        var (tenant, fixture, from, to) = await ArrangeAsync(37);
        foreach (var (view, imported) in new[] { ("period", true), ("cohort", false) })
        {
            var answer = await GetAsync(tenant, "velocity", $"from={Day(from)}&to={Day(to)}&view={view}&includeImported={(imported ? "true" : "false")}");
            var steps = answer["steps"]!.AsArray();
            Assert.Equal(5, steps.Count);
            foreach (var step in steps)
            {
                var (a, b) = (Array.IndexOf(Funnel, Enum.Parse<Stage>((string)step!["from"]!)), Array.IndexOf(Funnel, Enum.Parse<Stage>((string)step["to"]!)));
                var days = new List<double>();
                foreach (var lead in fixture.Leads)
                {
                    var events = EventsOf(fixture, lead.Id, imported);
                    var (ea, eb) = (FirstEntry(events, a), FirstEntry(events, b));
                    var start = FirstReach(events, 0);
                    var counted = view == "cohort" ? start >= Moment(from) && start < Moment(to) : eb >= Moment(from) && eb < Moment(to);
                    if (ea is not null && eb > ea && counted)
                    {
                        days.Add((eb.Value - ea.Value).TotalDays);
                    }
                }

                days.Sort();
                Assert.Equal(days.Count, (long)step["leads"]!);
                if (days.Count == 0)
                {
                    Assert.Null(step["medianDays"]);
                    continue;
                }

                Assert.Equal(days[((days.Count + 1) / 2) - 1], (double)step["medianDays"]!, 0.011);
                Assert.Equal(days[((3 * days.Count) + 3) / 4 - 1], (double)step["p75Days"]!, 0.011);
            }
        }
    }

    [Fact]
    public async Task Reasons_CountEachExitOnceByKindAndReason_WithItsShareOfTheKind()
    {
        var (tenant, fixture, from, to) = await ArrangeAsync(41);
        foreach (var imported in new[] { true, false })
        {
            var answer = await GetAsync(tenant, "reasons", $"from={Day(from)}&to={Day(to)}&includeImported={(imported ? "true" : "false")}&by=owner");
            var exits = fixture.Events.Where(e => e.To is Stage.Nurture or Stage.Disqualified && e.At >= Moment(from) && e.At < Moment(to) && (imported || e.Actor != ActorKind.Import))
                .Select(e => (Kind: e.From is Stage.Sql or Stage.Opportunity ? "lost" : e.From == Stage.Mql && e.To == Stage.Nurture ? "sentBack" : "disqualified", e.Reason))
                .ToList();
            foreach (var kind in answer["kinds"]!.AsArray())
            {
                var ofKind = exits.Where(x => x.Kind == (string)kind!["kind"]!).ToList();
                Assert.Equal(ofKind.Count, (long)kind!["total"]!);
                foreach (var reason in kind["reasons"]!.AsArray())
                {
                    var count = ofKind.Count(x => x.Reason == (string?)reason!["reason"]);
                    Assert.Equal(count, (long)reason!["count"]!);
                    Assert.Equal(ofKind.Count, (long)reason["share"]!["denominator"]!);
                }

                Assert.Equal(ofKind.Select(x => x.Reason).Distinct().Count(), kind["reasons"]!.AsArray().Count);
            }

            Assert.Equal(exits.Count, answer["groups"]!.AsArray().Sum(g => g!["kinds"]!.AsArray().Sum(k => (long)k!["total"]!)));
        }
    }

    [Fact]
    public async Task Response_CountsHandoversTouchesAndSlaAsNOfM_PerOwner_WithSpeedInWorkingHours()
    {
        var (tenant, fixture, from, to) = await ArrangeAsync(43);
        var answer = await GetAsync(tenant, "response", $"from={Day(from)}&to={Day(to)}&by=owner");
        string zoneId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            zoneId = await db.Organisations.Where(o => o.Id == tenant.OrganisationId).Select(o => o.TimeZone).SingleAsync(TestContext.Current.CancellationToken);
        }

        // Speed to lead in working hours, counted second by second: the default SLA's week, Monday to Friday 09:00-17:00 in the organisation's zone.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        double WorkingHours(DateTimeOffset assigned, DateTimeOffset touched)
        {
            var seconds = 0;
            for (var at = assigned; at < touched; at = at.AddSeconds(1))
            {
                var local = TimeZoneInfo.ConvertTime(at, zone);
                seconds += local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && local.Hour is >= 9 and < 17 ? 1 : 0;
            }

            return seconds / 3600.0;
        }

        foreach (var (key, figures) in answer["groups"]!.AsArray().Select(g => ((string?)g!["key"], g["figures"]!)).Append((null, answer["total"]!)))
        {
            var handovers = fixture.Handovers.Where(h => h.AssignedAt >= Moment(from) && h.AssignedAt < Moment(to)
                && (key is null || fixture.Leads.Single(l => l.Id == h.LeadId).OwnerId.ToString() == key)).ToList();
            var met = handovers.Count(h => h.FirstTouchAt <= h.DueAt);
            var breached = handovers.Count(h => h.FirstTouchAt > h.DueAt);
            Assert.Equal(handovers.Count, (long)figures["handovers"]!);
            Assert.Equal(handovers.Count(h => h.FirstTouchAt is not null), (long)figures["touched"]!);
            Assert.Equal((met, met + breached), ((long)figures["slaMet"]!["numerator"]!, (long)figures["slaMet"]!["denominator"]!));
            var hours = handovers.Where(h => h.FirstTouchAt is not null).Select(h => WorkingHours(h.AssignedAt, h.FirstTouchAt!.Value)).Order().ToList();
            if (hours.Count > 0)
            {
                Assert.Equal(hours[((hours.Count + 1) / 2) - 1], (double)figures["medianHours"]!, 0.011);
                Assert.Equal(hours[(((hours.Count * 3) + 3) / 4) - 1], (double)figures["p75Hours"]!, 0.011);
            }
        }

        Assert.NotEqual(0, (long)answer["total"]!["handovers"]!);
    }

    [Fact]
    public async Task SourcesWinRateAndPipeline_EqualPlainSumsOverTheDeals()
    {
        var (tenant, fixture, from, to) = await ArrangeAsync(47);
        var query = $"from={Day(from)}&to={Day(to)}";
        var closed = fixture.Deals.Where(d => d.ClosedOn >= from && d.ClosedOn < to).ToList();
        Assert.Contains(closed, d => d.Status == DealStatus.Lost);

        var sources = await GetAsync(tenant, "sources", query);
        var funnel = (await GetAsync(tenant, "funnel", query + "&by=source"))["groups"]!.AsArray();
        foreach (var row in sources["groups"]!.AsArray())
        {
            var key = (string?)row!["key"];
            var stages = funnel.Single(g => (string?)g!["key"] == key)!["stages"]!.AsArray();
            var figures = row["figures"]!;
            Assert.Equal((long)stages[1]!["reached"]!, (long)figures["mqls"]!);
            Assert.Equal((long)stages[2]!["reached"]!, (long)figures["mqlToSql"]!["numerator"]!);
            Assert.Equal((long)stages[1]!["reached"]!, (long)figures["mqlToSql"]!["denominator"]!);
            var won = closed.Where(d => d.Status == DealStatus.Won && fixture.Leads.Single(l => l.Id == d.LeadId).Source == key).ToList();
            Assert.Equal(won.Count, (long)figures["dealsWon"]!);
            Assert.Equal(won.Sum(d => d.WonAmount!.Value), (decimal)figures["wonValue"]!);
        }

        var winRate = await GetAsync(tenant, "win-rate", query);
        var (wonDeals, lostDeals) = (closed.Where(d => d.Status == DealStatus.Won).ToList(), closed.Count(d => d.Status == DealStatus.Lost));
        Assert.Equal((long)wonDeals.Count, (long)winRate["total"]!["winRate"]!["numerator"]!);
        Assert.Equal((long)(wonDeals.Count + lostDeals), (long)winRate["total"]!["winRate"]!["denominator"]!);
        Assert.Equal(wonDeals.Sum(d => d.WonAmount!.Value), (decimal)winRate["total"]!["wonValue"]!);
        var cycle = wonDeals.Average(d => Math.Max(0, d.ClosedOn!.Value.DayNumber - DateOnly.FromDateTime(d.CreatedAt.UtcDateTime).DayNumber));
        Assert.Equal(cycle, (double)winRate["total"]!["averageCycleDays"]!, 0.011);

        var pipeline = await GetAsync(tenant, "pipeline", query);
        var open = fixture.Deals.Where(d => d.Status == DealStatus.Open).ToList();
        Assert.Equal(open.Count, pipeline["stages"]!.AsArray().Sum(s => (long)s!["deals"]!));
        Assert.Equal(open.Sum(d => d.Value), pipeline["stages"]!.AsArray().Sum(s => (decimal)s!["value"]!));
    }

    [Fact]
    public async Task RunRate_IsInflowTimesConversionByLagTimesAverageDeal_PlusOpenDealsTimesTheirStagesWinRate()
    {
        var (tenant, fixture, _, _) = await ArrangeAsync(61);
        var now = app.Clock.GetUtcNow();
        var thisMonth = new DateOnly(now.Year, now.Month, 1);
        var user = Actor.ForUser(tenant.OrganisationId, tenant.Members["sales"].Id, "Sales", [Roles.Sales], Channel.Api);
        PipelineStage first, second;
        var mine = new List<(Deal Deal, Guid? Stage)>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var currency = await db.Organisations.Where(o => o.Id == tenant.OrganisationId).Select(o => o.DefaultCurrency).SingleAsync(TestContext.Current.CancellationToken);
            var stages = await db.PipelineStages.Where(s => db.Pipelines.Any(p => p.Id == s.PipelineId && p.OrganisationId == tenant.OrganisationId))
                .OrderBy(s => s.Position).ToListAsync(TestContext.Current.CancellationToken);
            (first, second) = (stages[0], stages[1]);
            var opened = Moment(thisMonth.AddMonths(-4));

            // History: won through both stages; lost in the first; lost in the second; open in the first (next month) and, overdue, in the second.
            var plans = new (PipelineStage[] Through, DealStatus Status, decimal Value, DateOnly Closes)[]
            {
                ([first, second], DealStatus.Won, 4_000m, thisMonth.AddMonths(-2)),
                ([first], DealStatus.Lost, 3_000m, thisMonth.AddMonths(-2)),
                ([first, second], DealStatus.Lost, 2_000m, thisMonth.AddMonths(-1)),
                ([first], DealStatus.Open, 1_000m, thisMonth.AddMonths(1).AddDays(3)),
                ([first, second], DealStatus.Open, 6_000m, thisMonth.AddMonths(-1).AddDays(2)),
            };
            for (var i = 0; i < plans.Length; i++)
            {
                var plan = plans[i];
                var contact = Contact.Create(tenant.OrganisationId, EmailAddress.Parse($"runrate{i}@forecast.example.com").Value, opened);
                var lead = Lead.Create(contact, null, "Website", null, user, opened).Value;
                db.Leads.Add(lead);
                var deal = Deal.Open(lead, new DealTerms(plan.Value, currency, plan.Closes), user, opened);
                db.Deals.Add(deal);
                for (var s = 0; s < plan.Through.Length; s++)
                {
                    deal.EnterStage(plan.Through[s], plan.Through[s].PipelineId, opened.AddDays(s));
                    db.DealChanges.Add(DealChange.Of(deal, user, opened.AddDays(s)));
                }

                if (plan.Status == DealStatus.Won)
                {
                    deal.MarkWon(plan.Value, plan.Closes, Moment(plan.Closes));
                }
                else if (plan.Status == DealStatus.Lost)
                {
                    deal.MarkLost("no_budget", null, plan.Closes, Moment(plan.Closes));
                }

                mine.Add((deal, plan.Status == DealStatus.Open ? plan.Through[^1].Id : null));
            }

            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var runRate = (await GetAsync(tenant, "forecast", ""))["runRate"]!;
        var inputs = runRate["inputs"]!;

        // The MQL inflow and the conversion by lag, the plain way over the fixture's events.
        static int Index(DateTimeOffset at) => (at.UtcDateTime.Year * 12) + at.UtcDateTime.Month - 1;
        var thisIndex = Index(Moment(thisMonth));
        var mqls = fixture.Leads.Select(l => EventsOf(fixture, l.Id)).Select(e => (Mql: FirstEntry(e, 1), Customer: FirstReach(e, 4)))
            .Where(x => x.Mql >= Moment(thisMonth.AddMonths(-12)) && x.Mql < Moment(thisMonth)).ToList();
        var inflow = mqls.Count(x => x.Mql >= Moment(thisMonth.AddMonths(-6)));
        Assert.Equal(inflow, (long)inputs["mqls"]!);
        Assert.Equal(decimal.Round(inflow / 6m, 4), (decimal)inputs["mqlsPerMonth"]!);
        var lags = inputs["conversionByLag"]!.AsArray();
        Assert.Equal(6, lags.Count);
        foreach (var lag in lags)
        {
            var k = (int)lag!["lagMonths"]!;
            var complete = mqls.Where(x => Index(x.Mql!.Value) + k < thisIndex).ToList();
            var converted = complete.Count(x => x.Customer >= x.Mql && Index(x.Customer!.Value) - Index(x.Mql!.Value) == k);
            Assert.Equal((converted, complete.Count), ((int)lag["conversion"]!["numerator"]!, (int)lag["conversion"]!["denominator"]!));
        }

        Assert.Contains(lags, l => (long)l!["conversion"]!["numerator"]! > 0);

        // The average won deal of the last twelve whole months: the fixture's and the one won here.
        var won = fixture.Deals.Where(d => d.Status == DealStatus.Won && d.ClosedOn >= thisMonth.AddMonths(-12) && d.ClosedOn < thisMonth)
            .Select(d => d.WonAmount!.Value).Append(4_000m).ToList();
        Assert.Equal(won.Count, (long)inputs["wonDeals"]!);
        Assert.Equal(decimal.Round(won.Average(), 2), (decimal)inputs["averageDealValue"]!);

        // Win rates by the stages the closed deals passed through: the first 1 of 3, the second 1 of 2.
        var byStage = inputs["winRateByStage"]!.AsArray().ToDictionary(w => (Guid)w!["stageId"]!);
        Assert.Equal((1, 3, 1), ((int)byStage[first.Id]!["winRate"]!["numerator"]!, (int)byStage[first.Id]!["winRate"]!["denominator"]!, (int)byStage[first.Id]!["openDeals"]!));
        Assert.Equal((1, 2, 1), ((int)byStage[second.Id]!["winRate"]!["numerator"]!, (int)byStage[second.Id]!["winRate"]!["denominator"]!, (int)byStage[second.Id]!["openDeals"]!));

        var rates = lags.Select(l => (decimal?)l!["conversion"]!["rate"] ?? 0m).ToList();
        var (firstRate, secondRate) = ((decimal)byStage[first.Id]!["winRate"]!["rate"]!, (decimal)byStage[second.Id]!["winRate"]!["rate"]!);
        var months = runRate["months"]!.AsArray();
        Assert.Equal(6, months.Count);
        for (var i = 0; i < months.Count; i++)
        {
            var month = months[i]!;
            Assert.Equal(thisMonth.AddMonths(i).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), (string)month["month"]!);
            var customers = Enumerable.Range(0, i + 1).Sum(arrived => decimal.Round(inflow / 6m, 4) * rates[i - arrived]);
            Assert.Equal(decimal.Round(customers, 2), (decimal)month["customersFromInflow"]!);
            Assert.Equal(decimal.Round(customers * decimal.Round(won.Average(), 2), 2), (decimal)month["revenueFromInflow"]!);
            var (fromDeals, dealRevenue) = i switch
            {
                0 => (secondRate, 6_000m * secondRate),
                1 => (firstRate, 1_000m * firstRate),
                _ => (0m, 0m),
            };
            Assert.Equal(decimal.Round(fromDeals, 2), (decimal)month["customersFromOpenDeals"]!);
            Assert.Equal(decimal.Round(dealRevenue, 2), (decimal)month["revenueFromOpenDeals"]!);
        }
    }

    /// <summary>Runs <c>leadgate report …</c> on the app's database; its exit code, output and error output.</summary>
    private async Task<(int Exit, string Output, string Error)> ReportVerbAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Leadgate.Web.Cli.LeadgateCli.RunAsync(
            ["report", .. arguments, "--environment=Testing", $"--Database:Provider={app.Provider}", $"--Database:ConnectionString={app.ConnectionString}"],
            new Leadgate.Web.Cli.CliConsole(output, error, interactive: false), TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("cohorts", "by=source", "--by source")]
    [InlineData("velocity", "view=cohort&includeImported=false", "--view cohort --include-imported false")]
    [InlineData("reasons", "by=owner", "--by owner")]
    [InlineData("response", "by=owner", "--by owner")]
    [InlineData("sources", "by=campaign&fitTier=high", "--by campaign --fit-tier high")]
    [InlineData("win-rate", "by=source&source=Website", "--by source --source Website")]
    [InlineData("pipeline", "by=fitTier", "--by fitTier")]
    [InlineData("forecast", "includeImported=false", "--include-imported false")]
    public async Task ReportVerb_JsonIsTheApisAnswer_ForTheSameQuery(string report, string query, string options)
    {
        var (tenant, _, from, to) = await ArrangeAsync(53);
        var api = await GetAsync(tenant, report, $"from={Day(from)}&to={Day(to)}&{query}");

        var (exit, output, error) = await ReportVerbAsync([report, "--org", tenant.Slug, "--from", Day(from), "--to", Day(to), .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--format", "json"]);

        Assert.True(exit == 0, error);
        Assert.True(JsonNode.DeepEquals(api, JsonNode.Parse(output)), $"API {api.ToJsonString()}\nCLI {output}");
    }

    [Fact]
    public async Task ReportVerb_TableAndCsv_PrintTheApisFigures_WithWhatEachRatioIsOf()
    {
        var (tenant, _, from, to) = await ArrangeAsync(59);
        var api = await GetAsync(tenant, "win-rate", $"from={Day(from)}&to={Day(to)}&by=source");
        var total = api["total"]!;

        var (exit, csv, error) = await ReportVerbAsync("win-rate", "--org", tenant.Slug, "--from", Day(from), "--to", Day(to), "--by", "source", "--format", "csv");

        Assert.True(exit == 0, error);
        var lines = csv.Trim().Split('\n').Select(l => l.Split(',')).ToList();
        Assert.Equal(["group", "won", "lost", "winRate", "of", "rate"], lines[0][..6]);
        Assert.Equal(
            ["(all)", $"{(long)total["won"]!}", $"{(long)total["lost"]!}", $"{(long)total["winRate"]!["numerator"]!}", $"{(long)total["winRate"]!["denominator"]!}"],
            lines[1][..5]);
        Assert.Equal(1 + 1 + api["groups"]!.AsArray().Count, lines.Count);
        foreach (var group in api["groups"]!.AsArray())
        {
            var line = lines.Single(l => l[0] == (string)group!["label"]!);
            Assert.Equal($"{(long)group!["figures"]!["won"]!}", line[1]);
            Assert.Equal($"{(long)group["figures"]!["winRate"]!["denominator"]!}", line[4]);
        }

        var (tableExit, table, _) = await ReportVerbAsync("sources", "--org", tenant.Slug, "--from", Day(from), "--to", Day(to));
        Assert.Equal(0, tableExit);
        var sources = await GetAsync(tenant, "sources", $"from={Day(from)}&to={Day(to)}");
        var all = table.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(l => l.Length > 0 && l[0] == "(all)");
        Assert.Equal($"{(long)sources["total"]!["mqls"]!}", all[2]);
        Assert.Equal($"{(long)sources["total"]!["mqlToSql"]!["numerator"]!}", all[7]);
        Assert.Equal($"{(long)sources["total"]!["mqlToSql"]!["denominator"]!}", all[8]);
    }

    [Fact]
    public async Task ReportVerb_ABadOption_FailsNamingTheParameter()
    {
        var tenant = await app.NewTenantAsync();
        var (exit, _, error) = await ReportVerbAsync("velocity", "--org", tenant.Slug, "--by", "colour");
        Assert.NotEqual(0, exit);
        Assert.StartsWith("by: ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cohorts")]
    [InlineData("velocity")]
    [InlineData("reasons")]
    [InlineData("response")]
    [InlineData("sources")]
    [InlineData("win-rate")]
    [InlineData("pipeline")]
    public async Task EveryReport_TakesTheFunnelsParameters_RefusesSales_AndNamesABadOne(string report)
    {
        var tenant = await app.NewTenantAsync();
        (await tenant.Sales.SendAsync(HttpMethod.Get, $"/api/v1/reports/{report}")).Expect(HttpStatusCode.Forbidden);
        (await tenant.Manager.SendAsync(HttpMethod.Get, $"/api/v1/reports/{report}?by=team&fitTier=high&includeImported=false")).Expect(HttpStatusCode.OK);
        var refused = (await tenant.Manager.SendAsync(HttpMethod.Get, $"/api/v1/reports/{report}?by=colour")).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(refused.Body!["errors"]!["by"]);

        // A date the calendar cannot go a month or 90 days past is named, not an overflow and a 500.
        var late = (await tenant.Manager.SendAsync(HttpMethod.Get, $"/api/v1/reports/{report}?from=9999-10-01&to=9999-12-31")).Expect(HttpStatusCode.BadRequest);
        Assert.Equal((true, true), (late.Body!["errors"]!["from"] is not null, late.Body["errors"]!["to"] is not null));
        (await tenant.Manager.SendAsync(HttpMethod.Get, $"/api/v1/reports/{report}?from=9998-10-01&to=9998-12-31")).Expect(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/api/v1/reports/forecast?from=9999-12-01&to=9999-12-31", "from")]
    [InlineData("/api/v1/reports/funnel?from=1899-12-31", "from")]
    [InlineData("/api/v1/feedback?to=9999-12-31", "to")]
    [InlineData("/api/v1/feedback?from=2027-05-01&to=2027-04-01", "to")]
    [InlineData("/api/v1/audit?from=2027-05-01T00:00:00Z&to=2027-04-01T00:00:00Z", "to")]
    public async Task ReportsFeedbackAndTheAuditLog_RefuseAPeriodThatEndsBeforeItStarts_OrPastTheCalendar(string path, string parameter)
    {
        var tenant = await app.NewTenantAsync();
        var refused = (await tenant.Admin.SendAsync(HttpMethod.Get, path)).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(refused.Body!["errors"]![parameter]);
    }
}

public sealed class OtherReportsApiTests_Sqlite(SqliteApp app) : OtherReportsApiTests(app), IClassFixture<SqliteApp>;

public sealed class OtherReportsApiTests_Postgres(PostgresApp app) : OtherReportsApiTests(app), IClassFixture<PostgresApp>;
