using Leadgate.Accounts;
using Leadgate.Agency;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Demo;

/// <summary>What the agency part of the demo wrote.</summary>
public sealed record AgencyDemoSummary(string Slug, string Name, IReadOnlyList<DemoUser> Users, IReadOnlyList<string> Clients, int Prospects, int RepliesWaiting, int HandedOver);

/// <summary>
/// The demo's outreach agency, <see cref="Slug"/>: a user per role, the demo organisation and <see cref="OtherClientSlug"/>
/// as active clients (the demo shares Revenue and routes by its own rules; the other shares the Stage only and uses its
/// shared queue), prospects with a campaign per client, replies waiting to be handed over, and hand-overs that the clients'
/// sales took to every client-side stage, plus one the demo already knew. Every step goes through the product's use cases
/// (create, log, mark MQL, invite, accept, hand over, claim, BANT, accept, reject, disqualify, move the deal) on a clock
/// set to the moment the step happened, so each row tells a true story and the dates are relative to the seed.
/// </summary>
public static class AgencyDemo
{
    public const string Slug = "acquisitie";
    public const string Name = "Acquisitie & Co";
    public const string OtherClientSlug = "vandijk";
    public const string OtherClientName = "Van Dijk Installatietechniek";

    /// <summary>The demo client's campaign and the other client's: every prospect of the agency is in one of them.</summary>
    public const string DemoCampaign = "Demo B.V. · sales leaders Benelux";
    public const string OtherCampaign = "Van Dijk · facility managers";

    /// <summary>Shown on the login page in Development, with the demo organisation's accounts.</summary>
    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("sales@acquisitie.leadgate.dev", "Sanne Smit", "Sales"),
        new("marketing@acquisitie.leadgate.dev", "Mark de Wit", "Marketing"),
        new("manager@acquisitie.leadgate.dev", "Martine Bos", "Manager"),
        new("admin@acquisitie.leadgate.dev", "Arjen Mulder", "Admin"),
    ];

    /// <summary>The other client's admin (who accepted the link) and its one sales rep.</summary>
    public static readonly IReadOnlyList<DemoUser> OtherClientUsers =
    [
        new("admin@vandijk.leadgate.dev", "Wim van Dijk", "Admin"),
        new("sales@vandijk.leadgate.dev", "Eva Jansen", "Sales"),
    ];

    private sealed record Prospect(string FirstName, string LastName, string JobTitle, string Company, string Domain, string Industry, int Employees, string? Reply = null)
    {
        /// <summary>The address of a person the client already has, as the client has it.</summary>
        public string? KnownEmail { get; init; }

        public string Email => KnownEmail ?? $"{FirstName.ToLowerInvariant()}.{LastName.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()}@{Domain}";
    }

    /// <summary>What became of a hand-over at the client; the demo tells one story per client-side stage.</summary>
    private enum Ending
    {
        Waiting,
        Attempted,
        Accepted,
        Proposed,
        Won,
        Rejected,
        Disqualified,
    }

    private static readonly Prospect[] NotReplied =
    [
        new("Pieter", "Hendriks", "Sales director", "Hendriks Logistiek", "hendrikslogistiek.example", "Logistics", 140),
        new("Lotte", "Vermeulen", "Head of sales", "Vermeulen Print", "vermeulenprint.example", "Printing", 60),
        new("Koen", "Claes", "Commercial director", "Claes Bouw", "claesbouw.example", "Construction", 210),
        new("Iris", "Bakker", "Facility manager", "Bakker Zorggroep", "bakkerzorg.example", "Healthcare", 800),
        new("Ruben", "Maes", "Facility manager", "Maes Scholen", "maesscholen.example", "Education", 350),
    ];

    private static readonly Prospect[] Waiting =
    [
        new("Femke", "de Groot", "Head of sales", "De Groot Software", "degrootsoftware.example", "Software", 45,
            "Good timing: our reps lose track of web leads. Can you set up a call with Demo next week?"),
        new("Thomas", "Peeters", "Sales manager", "Peeters Machinebouw", "peetersmachines.example", "Manufacturing", 120,
            "Interesting. We tried two CRMs and went back to Excel; what makes this different?"),
        new("Anouk", "Visser", "Commercial director", "Visser Events", "visserevents.example", "Events", 30,
            "Please send me something to read first; I will forward it to our sales lead."),
        new("Bas", "Willems", "Facility manager", "Willems Kantoren", "willemskantoren.example", "Real estate", 90,
            "Our climate installations are due for replacement in 2027. Yes, let's talk."),
    ];

    private static readonly (Prospect Prospect, Ending Ending, int DaysAgo)[] ToDemo =
    [
        (new("Sophie", "Janssens", "Head of sales", "Janssens Interieur", "janssensinterieur.example", "Retail", 70,
            "Yes, we need this. Our agency partners send leads by e-mail and nobody follows up."), Ending.Waiting, 0),
        (new("Daan", "Mertens", "Sales director", "Mertens Transport", "mertenstransport.example", "Logistics", 180,
            "Could be relevant. Call me, preferably in the morning."), Ending.Attempted, 1),
        (new("Eline", "Smits", "Commercial director", "Smits Kozijnen", "smitskozijnen.example", "Construction", 95,
            "We are looking at this for Q1. Who can show us a demo?"), Ending.Accepted, 6),
        (new("Joris", "van Leeuwen", "Head of sales", "Van Leeuwen Techniek", "vanleeuwentechniek.example", "Engineering", 160,
            "Happy to talk; our sales team of 12 works from a shared mailbox."), Ending.Proposed, 18),
        (new("Nina", "Dubois", "Sales manager", "Dubois Catering", "duboiscatering.example", "Hospitality", 55,
            "Interested. Send me your pricing for ten users."), Ending.Won, 40),
        (new("Lucas", "Wouters", "Sales lead", "Wouters Webshops", "wouterswebshops.example", "E-commerce", 25,
            "Maybe later; we just signed for a year with another tool."), Ending.Rejected, 10),
        (new("Emma", "Dekker", "Owner", "Dekker Advies", "dekkeradvies.example", "Consulting", 1,
            "Sure, tell me more."), Ending.Disqualified, 8),
    ];

    private static readonly (Prospect Prospect, Ending Ending, int DaysAgo)[] ToOther =
    [
        (new("Sem", "Kuipers", "Facility manager", "Kuipers Hotels", "kuipershotels.example", "Hospitality", 400,
            "The heat pumps in two of our hotels need replacing. Please call."), Ending.Waiting, 0),
        (new("Julia", "Meijer", "Facility manager", "Meijer Campus", "meijercampus.example", "Education", 650,
            "We have a tender for maintenance coming up; we would like to be informed."), Ending.Accepted, 12),
    ];

    /// <summary>
    /// Seeds the agency, the other client and the links with the demo organisation <paramref name="demo"/>, seeded a moment
    /// before at <paramref name="now"/>. The demo's one already-known person is one of its customers.
    /// </summary>
    internal static async Task<AgencyDemoSummary> SeedAsync(IServiceProvider services, Organisation demo, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var clock = new DemoClock(now - TimeSpan.FromDays(75));
        var seed = new Seeder(services, clock, now, cancellationToken);
        var agency = await seed.OrganisationAsync(Slug, Name, Users);
        var other = await seed.OrganisationAsync(OtherClientSlug, OtherClientName, OtherClientUsers);
        var demoAdmin = await seed.UserAsync(demo.Id, "Ada Admin", Roles.Admin);
        var demoSales = await seed.UserAsync(demo.Id, "Sam Sales", Roles.Sales);
        var (agencyAdmin, agencyMarketing, agencySales) = (agency.Actors["Arjen Mulder"], agency.Actors["Mark de Wit"], agency.Actors["Sanne Smit"]);

        clock.Now = now - TimeSpan.FromDays(70);
        var demoLink = (await seed.RunAsync<InviteClient, AgencyLinkView>(h => h.HandleAsync(new InviteClientRequest { ClientSlug = DemoData.Slug }, agencyAdmin, cancellationToken))).Id;
        var otherLink = (await seed.RunAsync<InviteClient, AgencyLinkView>(h => h.HandleAsync(new InviteClientRequest { ClientAdminEmail = OtherClientUsers[0].Email }, agencyAdmin, cancellationToken))).Id;
        clock.Now = now - TimeSpan.FromDays(69);
        await seed.RunAsync<AcceptAgencyLink, AgencyLinkView>(h => h.HandleAsync(
            demoLink, new AcceptAgencyLinkRequest { Shares = AgencyShares.Revenue, Routing = AgencyRouting.Rules, ResponseHours = 4 }, demoAdmin, cancellationToken));
        await seed.RunAsync<AcceptAgencyLink, AgencyLinkView>(h => h.HandleAsync(
            otherLink, new AcceptAgencyLinkRequest { Shares = AgencyShares.Stage, Routing = AgencyRouting.SharedQueue }, other.Actors["Wim van Dijk"], cancellationToken));

        var prospects = 0;
        foreach (var (prospect, index) in NotReplied.Select((p, i) => (p, i)))
        {
            clock.Now = now - TimeSpan.FromDays(20 - index);
            await seed.ProspectAsync(prospect, index < 3 ? DemoCampaign : OtherCampaign);
            prospects++;
        }

        foreach (var (prospect, index) in Waiting.Select((p, i) => (p, i)))
        {
            await seed.ReplyAsync(prospect, index < 3 ? DemoCampaign : OtherCampaign, now - TimeSpan.FromHours(3 + (11 * index)), agencySales, agencyMarketing);
            prospects++;
        }

        // The demo already has this person: one of its customers answered the agency's outreach too.
        var known = await seed.KnownCustomerAsync(demo.Id);
        var stories = ToDemo.Select(s => (s.Prospect, s.Ending, s.DaysAgo, Link: demoLink, Campaign: DemoCampaign))
            .Append((known, Ending.Waiting, 15, demoLink, DemoCampaign))
            .Concat(ToOther.Select(s => (s.Prospect, s.Ending, s.DaysAgo, Link: otherLink, Campaign: OtherCampaign)));
        var handedOver = 0;
        foreach (var (prospect, ending, daysAgo, link, campaign) in stories)
        {
            var at = daysAgo == 0 ? now - TimeSpan.FromMinutes(50 + (30 * handedOver)) : OfficeHourDaysAgo(now, daysAgo);
            var agencyLead = await seed.ReplyAsync(prospect, campaign, at - TimeSpan.FromHours(2), agencySales, agencyMarketing);
            clock.Now = at;
            var receipt = await seed.RunAsync<HandOverLead, HandoverReceipt>(h => h.HandleAsync(
                agencyLead, new HandOverLeadRequest { LinkId = link, Note = NoteFor(prospect) }, agencySales, cancellationToken));
            prospects++;
            handedOver++;
            if (receipt.Status == HandoverStatus.Delivered && ending != Ending.Waiting)
            {
                await seed.WorkAsync(receipt.HandoverId, ending, link == otherLink ? other.Actors["Eva Jansen"] : demoSales, at);
            }
        }

        return new AgencyDemoSummary(Slug, Name, agency.Users, [DemoData.Slug, OtherClientSlug], prospects, Waiting.Length, handedOver);
    }

    private static string NoteFor(Prospect prospect) => $"{prospect.FirstName} replied to our sequence; {prospect.JobTitle.ToLowerInvariant()} at {prospect.Company} ({prospect.Employees} employees).";

    /// <summary>A weekday at 09:30 UTC, <paramref name="days"/> days before <paramref name="now"/> (or the Friday before, at a weekend).</summary>
    private static DateTimeOffset OfficeHourDaysAgo(DateTimeOffset now, int days)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-days);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }

        var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 30)), TimeSpan.Zero);
        return at < now ? at : now - TimeSpan.FromHours(2);
    }

    /// <summary>A clock the seed sets to the moment of each step, so the use cases date what they write as it happened.</summary>
    private sealed class DemoClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed record Seeded(Organisation Organisation, IReadOnlyList<DemoUser> Users, Dictionary<string, Actor> Actors);

    /// <summary>Runs the product's use cases on the demo clock, each in its own scope (its own unit of work); a refusal stops the seed.</summary>
    private sealed class Seeder(IServiceProvider services, DemoClock clock, DateTimeOffset seededAt, CancellationToken cancellationToken)
    {
        public async Task<T> RunAsync<THandler, T>(Func<THandler, Task<Result<T>>> operation)
            where THandler : class
        {
            await using var scope = services.CreateAsyncScope();
            var result = await operation(ActivatorUtilities.CreateInstance<THandler>(scope.ServiceProvider, (TimeProvider)clock));
            return result.Error is { } error
                ? throw new InvalidOperationException($"The agency demo broke a rule of the product ({typeof(THandler).Name}): {error.Message}")
                : result.Value;
        }

        public async Task<Seeded> OrganisationAsync(string slug, string name, IReadOnlyList<DemoUser> users)
        {
            var created = await RunAsync<CreateOrganisation, OrganisationView>(h => h.HandleAsync(slug, name, "EUR", cancellationToken));
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == created.Id, cancellationToken);
            var actors = await DemoData.CreateUsersAsync(scope.ServiceProvider, organisation, users, null, cancellationToken);
            return new Seeded(organisation, users, actors);
        }

        public async Task<Actor> UserAsync(Guid organisationId, string displayName, string role)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var id = await db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId && u.DisplayName == displayName).Select(u => u.Id).SingleAsync(cancellationToken);
            return Actor.ForUser(organisationId, id, displayName, [role], Channel.Ui);
        }

        /// <summary>A prospect the agency imported into a campaign, at the clock's moment; the lead's id.</summary>
        public async Task<Guid> ProspectAsync(Prospect prospect, string campaign)
        {
            var organisation = await AgencyIdAsync();
            var request = new CreateLeadRequest
            {
                Email = prospect.Email,
                FirstName = prospect.FirstName,
                LastName = prospect.LastName,
                JobTitle = prospect.JobTitle,
                Source = "Outreach",
                Campaign = campaign,
                Company = new CompanyInput { Name = prospect.Company, Domain = prospect.Domain, Industry = prospect.Industry, Employees = prospect.Employees, Country = "NL" },
            };
            return (await RunAsync<CreateLead, CreatedLead>(h => h.HandleAsync(request, Actor.ForImport(organisation), cancellationToken))).Lead.Id;
        }

        /// <summary>A prospect imported three weeks before <paramref name="repliedAt"/> who replied then: the reply logged, the lead an MQL in the agency.</summary>
        public async Task<Guid> ReplyAsync(Prospect prospect, string campaign, DateTimeOffset repliedAt, Actor sales, Actor marketing)
        {
            clock.Now = repliedAt - TimeSpan.FromDays(21);
            var lead = await ProspectAsync(prospect, campaign);
            clock.Now = repliedAt + TimeSpan.FromMinutes(12);
            var reply = new LogActivityRequest { Type = ActivityType.Email, Direction = Direction.Inbound, Outcome = ActivityOutcome.Received, Notes = prospect.Reply, OccurredAt = repliedAt };
            await RunAsync<LogActivity, LoggedActivity>(h => h.HandleAsync(lead, reply, null, sales, cancellationToken));
            clock.Now = repliedAt + TimeSpan.FromMinutes(15);
            await RunAsync<MarkMql, LeadDetails>(h => h.HandleAsync(lead, new MarkMqlRequest { Reason = "Replied to the outreach sequence" }, null, marketing, cancellationToken));
            return lead;
        }

        /// <summary>One of the demo's customers, as a prospect of the agency's demo campaign (the same person, the same address).</summary>
        public async Task<Prospect> KnownCustomerAsync(Guid demoId)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var lead = await db.Leads.AsNoTracking().Include(l => l.Contact).Include(l => l.Company)
                .Where(l => l.OrganisationId == demoId && l.Stage == Stage.Customer && l.Company != null)
                .OrderBy(l => l.CreatedAt).ThenBy(l => l.Id)
                .FirstAsync(cancellationToken);
            var domain = lead.Contact.Email[(lead.Contact.Email.IndexOf('@') + 1)..];
            return new Prospect(lead.Contact.FirstName ?? "", lead.Contact.LastName ?? "", lead.Contact.JobTitle ?? "Manager", lead.Company!.Name, domain, lead.Company.Industry ?? "", lead.Company.Employees ?? 50,
                "We already work with Demo B.V., but I would like to hear about the new reporting.")
            {
                KnownEmail = lead.Contact.Email,
            };
        }

        /// <summary>
        /// What the client's sales did with a delivered lead, from the hand-over at <paramref name="handedOverAt"/>: the
        /// rep routing chose works it; a lead without one (the shared queue) is claimed by <paramref name="claimer"/>.
        /// </summary>
        public async Task WorkAsync(Guid handoverId, Ending ending, Actor claimer, DateTimeOffset handedOverAt)
        {
            var (leadId, organisationId) = await ClientLeadAsync(handoverId);
            var at = handedOverAt;
            DateTimeOffset Later(TimeSpan by) => clock.Now = at = at + by;
            var owner = await OwnerAsync(leadId, organisationId);
            if (owner is null)
            {
                Later(TimeSpan.FromMinutes(25));
                await RunAsync<ClaimLead, LeadDetails>(h => h.HandleAsync(leadId, null, claimer, cancellationToken));
                owner = claimer;
            }

            Later(TimeSpan.FromMinutes(40));
            if (ending == Ending.Attempted)
            {
                await LogAsync(leadId, ActivityType.Call, Direction.Outbound, ActivityOutcome.NoAnswer, "No answer; left a voicemail.", owner);
                return;
            }

            await LogAsync(leadId, ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, "Called back after the agency's hand-over; walked through how their team works leads today.", owner);
            Later(TimeSpan.FromMinutes(10));
            switch (ending)
            {
                case Ending.Rejected:
                    await RunAsync<RejectLead, LeadDetails>(h => h.HandleAsync(leadId, new RejectLeadRequest
                    {
                        Reason = "NotReadyToBuy",
                        Note = "Signed with another tool for a year; call again before it renews.",
                        RevisitOn = DateOnly.FromDateTime(at.UtcDateTime).AddDays(180),
                    }, null, owner, cancellationToken));
                    return;
                case Ending.Disqualified:
                    await RunAsync<DisqualifyLead, LeadDetails>(h => h.HandleAsync(leadId, new DisqualifyLeadRequest
                    {
                        Reason = "NotRelevant",
                        Note = "A one-person consultancy without a sales team.",
                    }, null, owner, cancellationToken));
                    return;
            }

            await RunAsync<RecordBant, LeadDetails>(h => h.HandleAsync(leadId, new RecordBantRequest
            {
                Budget = new BudgetInput { Status = BantStatus.Partial, Note = "Budget for next year is being set." },
                Authority = new AuthorityInput { Status = BantStatus.Confirmed, Note = "Decides with the managing director." },
                Need = new BantDimensionInput { Status = BantStatus.Confirmed, Note = "Replies from outreach and the website wait days for a call." },
                Timeline = new TimelineInput { Status = BantStatus.Partial, Note = "Wants to start next quarter." },
            }, null, owner, cancellationToken));
            Later(TimeSpan.FromMinutes(5));
            var value = 14_000m + (1_000m * (int)ending);
            var accepted = await RunAsync<AcceptLead, LeadDetails>(h => h.HandleAsync(leadId, new AcceptLeadRequest
            {
                DealValue = value,
                ExpectedCloseDate = DateOnly.FromDateTime(at.UtcDateTime).AddDays(60),
            }, null, owner, cancellationToken));
            var deal = accepted.DealId!.Value;
            if (ending == Ending.Accepted)
            {
                // An open deal has its next step, as every open deal of the demo does.
                await PlanAsync(deal, "Demo with the managing director", 7, owner);
                return;
            }

            Later(TimeSpan.FromDays(5));
            await RunAsync<MoveDeal, DealView>(h => h.HandleAsync(deal, new MoveDealRequest { Stage = "Proposal", Amount = value }, null, owner, cancellationToken));
            if (ending != Ending.Won)
            {
                await PlanAsync(deal, "Go through the proposal together", 5, owner);
            }
            else
            {
                Later(TimeSpan.FromDays(9));
                await RunAsync<MoveDeal, DealView>(h => h.HandleAsync(deal, new MoveDealRequest
                {
                    Stage = "Won",
                    Amount = value - 500m,
                    ClosedOn = DateOnly.FromDateTime(at.UtcDateTime),
                }, null, owner, cancellationToken));
            }
        }

        /// <summary>The deal's next step, due some days after the day the demo is seeded, so an open deal's plan is current.</summary>
        private async Task PlanAsync(Guid deal, string step, int days, Actor owner) =>
            await RunAsync<ReviseDeal, DealView>(h => h.HandleAsync(deal, new ReviseDealRequest
            {
                NextStep = new NextStepRequest { Text = step, DueOn = DateOnly.FromDateTime(seededAt.UtcDateTime).AddDays(days) },
            }, null, owner, cancellationToken));

        private async Task LogAsync(Guid leadId, ActivityType type, Direction direction, ActivityOutcome outcome, string notes, Actor owner) =>
            await RunAsync<LogActivity, LoggedActivity>(h => h.HandleAsync(leadId, new LogActivityRequest { Type = type, Direction = direction, Outcome = outcome, Notes = notes }, null, owner, cancellationToken));

        private async Task<(Guid Lead, Guid Organisation)> ClientLeadAsync(Guid handoverId)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var handover = await db.AgencyHandovers.AsNoTracking().SingleAsync(h => h.Id == handoverId, cancellationToken);
            return (handover.ClientLeadId!.Value, handover.ClientOrganisationId);
        }

        /// <summary>The rep the client's routing gave the lead, as that rep.</summary>
        private async Task<Actor?> OwnerAsync(Guid leadId, Guid organisationId)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            var owner = await (
                    from lead in db.Leads.AsNoTracking()
                    where lead.Id == leadId
                    join user in db.Users on lead.OwnerId equals user.Id
                    select new { user.Id, user.DisplayName })
                .SingleOrDefaultAsync(cancellationToken);
            return owner is null ? null : Actor.ForUser(organisationId, owner.Id, owner.DisplayName ?? "", [Roles.Sales], Channel.Ui);
        }

        private async Task<Guid> AgencyIdAsync()
        {
            if (_agencyId is null)
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
                _agencyId = await db.Organisations.AsNoTracking().Where(o => o.Slug == Slug).Select(o => o.Id).SingleAsync(cancellationToken);
            }

            return _agencyId.Value;
        }

        private Guid? _agencyId;
    }
}
