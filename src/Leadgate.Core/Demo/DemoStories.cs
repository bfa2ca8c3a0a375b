using System.Globalization;
using Leadgate.Accounts;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;
using Leadgate.Scoring;

namespace Leadgate.Demo;

/// <summary>
/// A written journey and where it belongs in time: most may happen anywhere in the twelve months, but work that is still
/// open (an MQL in the inbox, a deal being worked) must have had its last beat recently.
/// </summary>
internal sealed record DemoStory(DemoJourney Journey, Stage FinalStage, TimeSpan? EndsAtLeastAgo = null, TimeSpan? EndsAtMostAgo = null);

/// <summary>
/// Writes the demo's journeys: for each stage a lead should end in, a believable road there — how the lead came in,
/// why marketing handed it over, how many calls it took to reach the person, what they said, and what sales decided;
/// and for a deal, how far up the pipeline it was worked, who of the buyer took part, and what happens next.
/// </summary>
internal sealed class DemoStories(DemoCast cast, DemoDice dice, DemoPeople people)
{
    /// <summary>How far up the default pipeline a deal was worked, in its order: Qualified, Discovery/demo, Proposal, Negotiation, Contracting.</summary>
    private enum Reach
    {
        Qualified,
        Discovery,
        Proposal,
        Negotiation,
        Contracting,
    }

    private static readonly string[] Pushback =
    [
        "Replied: \"The price is above what we budgeted; can you do better on a two-year term?\"",
        "Replied: procurement wants a volume discount and monthly invoicing.",
        "Replied: their IT director asks whether the data stays in the EU.",
    ];

    /// <summary>Open deals so far, to spread them over the open stages and leave every fourth one gone quiet (stale).</summary>
    private int _openSqlDeals;
    private int _openOpportunityDeals;
    private int _openDeals;

    /// <summary>How many leads end in each stage: about 500, every stage present, shaped like a real funnel.</summary>
    public static readonly IReadOnlyList<(Stage Stage, int Count)> Mix =
    [
        (Stage.Iql, 165),
        (Stage.Mql, 65),
        (Stage.Sql, 38),
        (Stage.Opportunity, 27),
        (Stage.Customer, 40),
        (Stage.Nurture, 100),
        (Stage.Disqualified, 65),
    ];

    private static readonly string[] Needs =
    [
        "Website leads wait days for a first call; they lose deals to faster competitors.",
        "Marketing and sales have no shared view of the funnel; every Monday starts with an argument about numbers.",
        "Forecasting is a spreadsheet the managers fill in by hand every Friday.",
        "Leads sales rejects disappear; marketing never learns why and keeps sending the same profile.",
        "Three regional teams work leads in three different tools.",
        "Outreach agency hands over replies by e-mail; half of them are never followed up.",
        "Needs proof for the board of how many MQLs turn into revenue.",
    ];

    private static readonly string[] ConnectedCalls =
    [
        "Spoke for 20 minutes. Recognises the handover problem; wants to see the sales inbox.",
        "Good call. They lose track of leads between events and the first sales call.",
        "Reached on the second number. Interested, asked for a short demo with their sales lead.",
        "Call went well: current CRM is too heavy for their team of six.",
        "Discussed their funnel: 400 leads a month, no idea which ones sales actually called.",
    ];

    private static readonly string[] InboundMails =
    [
        "Replied: \"Thanks for the call attempt, Thursday afternoon works for me.\"",
        "Replied with three questions about the API and the CSV import.",
        "Replied: interested, forwarded our mail to their head of sales.",
        "Replied: \"Can you send pricing for 15 users?\"",
    ];

    private static readonly string[] HeldMeetings =
    [
        "Video call with the marketing and sales leads; walked through their current process.",
        "Met at their office; they showed how leads are handed over today (a shared mailbox).",
        "Discovery call with the team: clear pain around follow-up speed.",
    ];

    public DemoStory Write(Stage finalStage)
    {
        var person = people.Next();
        return finalStage switch
        {
            Stage.Iql => Iql(person),
            Stage.Mql => OpenMql(person),
            Stage.Sql => OpenDeal(person),
            Stage.Opportunity => Proposal(person),
            Stage.Customer => Won(person),
            Stage.Nurture => Nurture(person),
            Stage.Disqualified => Disqualified(person),
        };
    }

    private DemoStory Iql(DemoPerson person) =>
        new(Begin(person, [("Website", 40), ("Webinar", 25), ("LinkedIn", 25), ("Outreach", 10)], handRaise: 0).Journey, Stage.Iql);

    private DemoStory OpenMql(DemoPerson person)
    {
        var (journey, handRaise) = Begin(person, [("Website", 35), ("Referral", 15), ("Outreach", 20), ("LinkedIn", 15), ("Webinar", 15)], handRaise: 0.8);
        var requalified = dice.Chance(0.12);
        if (requalified)
        {
            HandToSales(journey, handRaise);
            FirstCycleSentBack(journey);
        }

        var status = dice.Pick<WorkStatus>([(WorkStatus.New, 35), (WorkStatus.Attempting, 35), (WorkStatus.Connected, 30)]);
        switch (status)
        {
            case WorkStatus.New:
                // A few wait unassigned in the shared inbox; the rest have an owner who has not called yet.
                if (!requalified)
                {
                    HandToSales(journey, handRaise, assign: dice.Chance(0.85));
                }

                return dice.Chance(0.8)
                    ? new(journey, Stage.Mql, TimeSpan.FromHours(2), TimeSpan.FromDays(2))
                    : new(journey, Stage.Mql, TimeSpan.FromDays(3), TimeSpan.FromDays(9));
            case WorkStatus.Attempting:
                if (!requalified)
                {
                    HandToSales(journey, handRaise);
                }

                Attempts(journey, dice.Between(1, 3));
                return new(journey, Stage.Mql, TimeSpan.FromHours(3), TimeSpan.FromDays(4));
            case WorkStatus.Connected:
                if (!requalified)
                {
                    HandToSales(journey, handRaise);
                }

                Attempts(journey, dice.Between(0, 2));
                Connect(journey);
                if (dice.Chance(0.5))
                {
                    journey.AssessBant(Gap.Minutes(dice.Between(10, 90)), _ => Bant(
                        Assessed(BantStatus.Unknown, null), Assessed(BantStatus.Unknown, null),
                        Assessed(BantStatus.Partial, "Interested, but wants to check with the team what the real problem is."),
                        Assessed(BantStatus.Unknown, null)));
                }

                return new(journey, Stage.Mql, TimeSpan.FromHours(3), TimeSpan.FromDays(7));
        }

        throw new InvalidOperationException($"No story for work status {status}.");
    }

    /// <summary>An SQL whose deal is open in Qualified or Discovery/demo, in turns.</summary>
    private DemoStory OpenDeal(DemoPerson person)
    {
        var journey = Qualified(person, requalifiedChance: 0.15, out var value);
        var reach = _openSqlDeals++ % 2 == 0 ? Reach.Qualified : Reach.Discovery;
        WorkDeal(journey, person, value, reach);
        return KeepOpen(journey, reach, Stage.Sql);
    }

    /// <summary>An opportunity whose deal is open in Proposal, Negotiation or Contracting, in turns.</summary>
    private DemoStory Proposal(DemoPerson person)
    {
        var journey = Qualified(person, requalifiedChance: 0.1, out var value);
        var reach = (Reach)((int)Reach.Proposal + (_openOpportunityDeals++ % 3));
        WorkDeal(journey, person, value, reach);
        return KeepOpen(journey, reach, Stage.Opportunity);
    }

    private DemoStory Won(DemoPerson person)
    {
        var journey = Qualified(person, requalifiedChance: 0.08, out var value);
        if (dice.Chance(0.7))
        {
            var reach = dice.Pick<Reach>([(Reach.Proposal, 40), (Reach.Negotiation, 30), (Reach.Contracting, 30)]);
            var proposed = WorkDeal(journey, person, value, reach)!.Value;
            if (reach == Reach.Proposal && dice.Chance(0.6))
            {
                journey.Log(Gap.WorkingDays(dice.Between(2, 6), dice.OfficeHour()), ActivityType.Email, Direction.Inbound, ActivityOutcome.Received,
                    "Questions about the proposal: onboarding time and the data export.");
            }

            journey.Win(Gap.WorkingDays(dice.Between(2, 10), dice.OfficeHour()), Round(proposed * (decimal)dice.Between(0.94, 1.0), 100));
        }
        else
        {
            // Small deals close on the first call's terms, without a formal proposal.
            WorkDeal(journey, person, value, dice.Chance(0.5) ? Reach.Qualified : Reach.Discovery);
            journey.Win(Gap.WorkingDays(dice.Between(5, 15), dice.OfficeHour()), value);
        }

        return new(journey, Stage.Customer);
    }

    private DemoStory Nurture(DemoPerson person)
    {
        var road = dice.Pick<string>([("no response", 30), ("rejected", 55), ("lost", 15)]);
        switch (road)
        {
            case "no response":
            {
                var (journey, handRaise) = Begin(person, [("Website", 25), ("LinkedIn", 35), ("Webinar", 15), ("Outreach", 25)], handRaise: 0.2);
                HandToSales(journey, handRaise);
                Attempts(journey, dice.Between(3, 5));
                journey.Reject(Gap.WorkingDays(dice.Between(2, 5), dice.OfficeHour()), "NoResponse", null, null);
                return new(journey, Stage.Nurture);
            }

            case "rejected":
            {
                var (journey, handRaise) = Begin(person, [("Website", 25), ("LinkedIn", 35), ("Webinar", 15), ("Outreach", 25)], handRaise: 0.2);
                HandToSales(journey, handRaise);
                Attempts(journey, dice.Between(0, 2));
                Connect(journey);
                RejectAfterTalking(journey);
                return new(journey, Stage.Nurture);
            }

            default:
            {
                var journey = Qualified(person, requalifiedChance: 0, out var value);
                WorkDeal(journey, person, value, dice.Pick<Reach>([(Reach.Qualified, 30), (Reach.Discovery, 30), (Reach.Proposal, 25), (Reach.Negotiation, 15)]));
                var (code, note) = dice.Pick<(string, string?)>(
                [
                    (("Timing", "Project moved to next year after a reorganisation."), 40),
                    (("NoDecision", "The board did not decide; champion left the company."), 25),
                    (("NoBudget", "Budget went to a new ERP system first."), 20),
                    (("LostContact", null), 15),
                ]);
                journey.Lose(Gap.WorkingDays(dice.Between(5, 20), dice.OfficeHour()), code, note, Stage.Nurture);
                return new(journey, Stage.Nurture);
            }
        }
    }

    private DemoStory Disqualified(DemoPerson person)
    {
        var road = dice.Pick<string>([("at intake", 35), ("after talking", 25), ("from nurture", 15), ("deal lost", 25)]);
        switch (road)
        {
            case "at intake":
            {
                var (journey, _) = Begin(person, [("Website", 40), ("Webinar", 15), ("LinkedIn", 30), ("Outreach", 15)], handRaise: 0.1);
                var (code, note) = dice.Pick<(string, string?)>(
                [
                    (("Spam", "Form filled with nonsense."), 30),
                    (("Competitor", "Works for a competitor."), 20),
                    (("NotRelevant", "Student researching a thesis on sales funnels."), 25),
                    (("Duplicate", "Same person as an existing lead who used a private address."), 15),
                    (("PrivacyRequest", "Asked to be removed from all lists."), 10),
                ]);
                journey.Disqualify(Gap.WorkingDays(dice.Between(0, 10), dice.OfficeHour()), cast.Marketer, code, note);
                return new(journey, Stage.Disqualified);
            }

            case "after talking":
            {
                var (journey, handRaise) = Begin(person, [("Website", 30), ("LinkedIn", 30), ("Outreach", 30), ("Webinar", 10)], handRaise: 0.4);
                HandToSales(journey, handRaise);
                Attempts(journey, dice.Between(0, 1));
                Connect(journey);
                var (code, note) = dice.Pick<(string, string?)>(
                [
                    (("NotRelevant", "Looking for a job, not for software."), 40),
                    (("NotRelevant", "Freelancer without a sales team; nothing to qualify."), 30),
                    (("Competitor", "Consultant for a competing product, fishing for our pricing."), 15),
                    (("Other", "Company is being wound up."), 15),
                ]);
                journey.Disqualify(Gap.Minutes(dice.Between(10, 120)), null, code, note);
                return new(journey, Stage.Disqualified);
            }

            case "from nurture":
            {
                var (journey, handRaise) = Begin(person, [("Website", 25), ("LinkedIn", 35), ("Webinar", 15), ("Outreach", 25)], handRaise: 0.2);
                HandToSales(journey, handRaise);
                Attempts(journey, dice.Between(3, 4));
                journey.Reject(Gap.WorkingDays(dice.Between(2, 5), dice.OfficeHour()), "NoResponse", null, null);
                journey.Disqualify(Gap.WorkingDays(dice.Between(10, 40), dice.OfficeHour()), cast.Marketer, dice.Pick(["PrivacyRequest", "NotRelevant"]),
                    "Bounced: the person has left the company.");
                return new(journey, Stage.Disqualified);
            }

            default:
            {
                var journey = Qualified(person, requalifiedChance: 0, out var value);
                var proposed = WorkDeal(journey, person, value, dice.Pick<Reach>([(Reach.Qualified, 20), (Reach.Discovery, 20), (Reach.Proposal, 35), (Reach.Negotiation, 25)]));
                var (code, note, competitor) = dice.Pick<(string, string?, string?)>(
                [
                    (("Competitor", "Chose Salesforce, which their parent company already uses.", "Salesforce"), 15),
                    (("Competitor", "Went with HubSpot Sales Hub: their marketing team already works in HubSpot.", "HubSpot"), 15),
                    (("Competitor", "Chose Pipedrive: cheaper per seat, and the handover was not their priority.", "Pipedrive"), 15),
                    (("Price", proposed is null
                        ? "Our list price is 40% above their budget; no room to move."
                        : "Our proposal was 40% above their budget; no room to move.", null), 35),
                    (("Other", "Acquired by a group that standardises on its own tools.", null), 20),
                ]);
                journey.Lose(Gap.WorkingDays(dice.Between(5, 20), dice.OfficeHour()), code, note, Stage.Disqualified, competitor);
                return new(journey, Stage.Disqualified);
            }
        }
    }

    /// <summary>
    /// How a lead came in: its source, campaign and creator; and, when the person raised their hand (as likely as
    /// <paramref name="handRaise"/>, except that a referral always is one), how.
    /// </summary>
    private (DemoJourney Journey, string? HandRaise) Begin(DemoPerson person, IReadOnlyList<(string Source, double Weight)> sources, double handRaise)
    {
        var source = dice.Pick(sources);
        var company = person.Company;
        var (campaign, raised) = source switch
        {
            "Website" => dice.Pick<(string, string?)>(
            [
                (("Demo request", "Hand-raise: requested a demo"), 40 * handRaise),
                (("Contact form", "Hand-raise: asked to be contacted by sales"), 15 * handRaise),
                (("Pricing page", null), 20),
                (("Whitepaper: The B2B handover playbook", null), 25),
                (("Newsletter", null), 20),
            ]),
            "LinkedIn" => (dice.Chance(0.5) ? $"LinkedIn Lead Gen – {company.Industry}" : company.Country == "DE" ? "LinkedIn Ads – DACH" : "LinkedIn Ads – Benelux & UK", null),
            "Webinar" => (dice.Pick(["Webinar: From MQL to SQL in 48 hours", "Webinar: Forecasting without spreadsheets", "Webinar: BANT in practice"]),
                dice.Chance(0.35 * handRaise) ? "Hand-raise: asked for a follow-up call after the webinar" : null),
            "Referral" => dice.Chance(0.7)
                ? ("Customer referral", "Hand-raise: introduced by a customer")
                : ("Partner referral", "Hand-raise: introduced by a partner"),
            _ => ($"Outbound {company.Country} – {company.Industry}",
                dice.Chance(handRaise) ? "Hand-raise: replied to the outreach sequence" : null),
        };
        var creator = source switch
        {
            "Website" or "Webinar" => cast.WebForm,
            "Referral" => cast.Marketer,
            _ => cast.ListImport,
        };
        var journey = new DemoJourney(cast, person, source, campaign, creator);
        FirstTouch(journey, source, campaign, raised);
        return (journey, raised);
    }

    /// <summary>The behaviour event the lead came in with: the form, the download, the webinar, the reply.</summary>
    private static void FirstTouch(DemoJourney journey, string source, string campaign, string? raised)
    {
        var now = Gap.Minutes(0);
        switch (source, campaign)
        {
            case (_, "Demo request"):
                journey.Engage(now, BehaviourType.DemoRequest, Json("form", "Demo request"));
                break;
            case (_, "Contact form"):
                journey.Engage(now, BehaviourType.FormSubmit, Json("form", "Contact sales"));
                break;
            case (_, "Pricing page"):
                journey.Engage(now, BehaviourType.PageVisit, Json("page", "/pricing"));
                journey.Engage(Gap.Minutes(3), BehaviourType.FormSubmit, Json("form", "Pricing: send me the price list"));
                break;
            case (_, "Newsletter"):
                journey.Engage(now, BehaviourType.NewsletterSignup, Json("form", "Newsletter"));
                break;
            case ("Website", _):
                journey.Engage(now, BehaviourType.ContentDownload, Json("asset", campaign));
                break;
            case ("Webinar", _):
                journey.Engage(now, BehaviourType.Webinar, Json("webinar", campaign));
                break;
            case ("LinkedIn", _) when campaign.StartsWith("LinkedIn Lead Gen", StringComparison.Ordinal):
                journey.Engage(now, BehaviourType.FormSubmit, Json("form", campaign));
                break;
            case ("LinkedIn", _):
                journey.Engage(now, BehaviourType.PageVisit, Json("page", "/"));
                break;
            case ("Outreach", _) when raised is not null:
                journey.Engage(now, BehaviourType.EmailReply, Json("sequence", campaign));
                break;
        }
    }

    /// <summary>
    /// Weeks after the first touch the person comes back: reads, watches, looks at the pricing and works the ROI
    /// calculator. These are the events that carry the lead over the scoring rule's line a minute after the last one.
    /// </summary>
    private void ComesBack(DemoJourney journey, int workingDays)
    {
        journey.Engage(Gap.WorkingDays(Math.Max(1, workingDays - 3), dice.OfficeHour()), BehaviourType.ContentDownload, Json("asset", "Checklist: a handover SLA in five steps"));
        journey.Engage(Gap.WorkingDays(1, dice.OfficeHour()), BehaviourType.Webinar, Json("webinar", "Webinar: Forecasting without spreadsheets"));
        journey.Engage(Gap.WorkingDays(1, dice.OfficeHour()), BehaviourType.ContentDownload, Json("asset", "Case study: from 3 days to 3 hours speed to lead"));
        journey.Engage(Gap.Minutes(dice.Between(2, 15)), BehaviourType.PageVisit, Json("page", "/pricing"));
        journey.Engage(Gap.Minutes(dice.Between(1, 10)), BehaviourType.PageVisit, Json("page", "/pricing"));
        journey.Engage(Gap.Minutes(dice.Between(2, 10)), BehaviourType.FormSubmit, Json("form", "ROI calculator"));
        journey.MarkMqlByScore(Gap.Minutes(1));
    }

    private static string Json(string name, string value) => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { [name] = value });

    /// <summary>Marketing qualifies the lead (a hand-raise at once, or the scoring rule after weeks of engagement) and routing assigns it.</summary>
    private void HandToSales(DemoJourney journey, string? handRaise, bool assign = true)
    {
        if (handRaise is not null)
        {
            journey.MarkMql(Gap.Minutes(dice.Between(5, 240)), cast.Marketer, handRaise);
        }
        else
        {
            ComesBack(journey, dice.Between(3, 25));
        }

        if (assign)
        {
            journey.Assign(Gap.Minutes(dice.Between(1, 20)), RepFor(journey.Person.Company.Country));
        }
    }

    /// <summary>Calls nobody picks up and e-mails nobody answers, a working day or three apart.</summary>
    private void Attempts(DemoJourney journey, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var gap = i == 0
                ? Gap.WorkingDays(dice.Pick<int>([(0, 60), (1, 30), (3, 10)]), dice.OfficeHour())
                : Gap.WorkingDays(dice.Between(1, 3), dice.OfficeHour());
            if (i % 2 == 0)
            {
                var voicemail = dice.Chance(0.4);
                journey.Log(gap, ActivityType.Call, Direction.Outbound, voicemail ? ActivityOutcome.Voicemail : ActivityOutcome.NoAnswer,
                    voicemail ? "Left a voicemail with my direct number." : null);
            }
            else
            {
                journey.Log(gap, ActivityType.Email, Direction.Outbound, ActivityOutcome.Sent, "Follow-up mail with two time slots for a call.");
            }
        }
    }

    /// <summary>The two-way conversation: a call that connects, a reply from the person, or a meeting that is held.</summary>
    private void Connect(DemoJourney journey)
    {
        var first = Gap.WorkingDays(dice.Between(0, 2), dice.OfficeHour());
        switch (dice.Pick<ActivityType>([(ActivityType.Call, 55), (ActivityType.Email, 25), (ActivityType.Meeting, 20)]))
        {
            case ActivityType.Call:
                journey.Log(first, ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, dice.Pick(ConnectedCalls));
                break;
            case ActivityType.Email:
                journey.Log(first, ActivityType.Email, Direction.Inbound, ActivityOutcome.Received, dice.Pick(InboundMails));
                break;
            default:
                journey.Log(first, ActivityType.Call, Direction.Outbound, ActivityOutcome.MeetingBooked, "Booked a video call for next week.");
                journey.Log(Gap.WorkingDays(dice.Between(2, 6), dice.OfficeHour()), ActivityType.Meeting, Direction.Outbound, ActivityOutcome.MeetingHeld, dice.Pick(HeldMeetings));
                break;
        }

        if (dice.Chance(0.25))
        {
            journey.Log(Gap.Minutes(dice.Between(5, 40)), ActivityType.Note, Direction.Outbound, null, "Internal: looped in the solutions engineer for the next call.");
        }
    }

    /// <summary>A lead walked from intake to an accepted SQL with an open deal; sometimes it was sent back once before.</summary>
    private DemoJourney Qualified(DemoPerson person, double requalifiedChance, out decimal value)
    {
        var (journey, handRaise) = Begin(person, [("Website", 25), ("Referral", 40), ("Outreach", 10), ("LinkedIn", 10), ("Webinar", 15)], handRaise: 1.0);
        HandToSales(journey, handRaise);
        if (dice.Chance(requalifiedChance))
        {
            FirstCycleSentBack(journey);
        }

        Attempts(journey, dice.Pick<int>([(0, 35), (1, 30), (2, 25), (3, 10)]));
        Connect(journey);
        value = DealValue(person.Company.Employees);
        var estimate = value;
        journey.AssessBant(Gap.Minutes(dice.Between(15, 120)), at => StrongBant(person, estimate, at));
        journey.Accept(Gap.WorkingDays(dice.Between(0, 3), dice.OfficeHour()), value, dice.Between(21, 90));
        return journey;
    }

    /// <summary>The first time round sales talked to the person, who was not ready; after the revisit date the scoring rule brought them back.</summary>
    private void FirstCycleSentBack(DemoJourney journey)
    {
        var rep = journey.PlannedOwner ?? RepFor(journey.Person.Company.Country);
        Attempts(journey, dice.Between(0, 2));
        Connect(journey);
        var revisitInDays = dice.Between(20, 35);
        journey.Reject(Gap.WorkingDays(dice.Between(0, 2), dice.OfficeHour()), "NotReadyToBuy", "Budget freeze until next quarter; asked us to come back then.", revisitInDays);
        ComesBack(journey, revisitInDays + dice.Between(1, 8));
        journey.Assign(Gap.Minutes(dice.Between(1, 20)), rep);
    }

    private void RejectAfterTalking(DemoJourney journey)
    {
        var (code, note, bant) = dice.Pick<(string, string?, Bant)>(
        [
            (("NotReadyToBuy", "Interested, but not before next year.", Bant(
                Assessed(BantStatus.Unknown, null), Assessed(BantStatus.Unknown, null),
                Assessed(BantStatus.Partial, "Sees the problem, not a priority now."), Assessed(BantStatus.No, "Not before next year."))), 35),
            (("NoBudget", "No budget this year; the tooling budget went to marketing automation.", Bant(
                Assessed(BantStatus.No, "No budget this year."), Assessed(BantStatus.Unknown, null),
                Assessed(BantStatus.Confirmed, dice.Pick(Needs)), Assessed(BantStatus.Unknown, null))), 20),
            (("NotDecisionMaker", "Researching for their director, who is not interested yet.", Bant(
                Assessed(BantStatus.Unknown, null), Assessed(BantStatus.No, "No influence on the decision."),
                Assessed(BantStatus.Partial, "Director does not see the problem yet."), Assessed(BantStatus.Unknown, null))), 20),
            (("PoorFit", "Two sales people and 20 leads a month: a spreadsheet does the job.", Bant(
                Assessed(BantStatus.Unknown, null), Assessed(BantStatus.Confirmed, "Owner of the company."),
                Assessed(BantStatus.No, "Volume too small to need a system."), Assessed(BantStatus.Unknown, null))), 15),
            (("Other", "Parent company rolls out its own CRM next year.", Bant(
                Assessed(BantStatus.Unknown, null), Assessed(BantStatus.Partial, null),
                Assessed(BantStatus.Partial, null), Assessed(BantStatus.No, "Frozen until the group decides."))), 10),
        ]);
        journey.AssessBant(Gap.Minutes(dice.Between(10, 60)), _ => bant);
        int? revisit = code == "NotReadyToBuy" && dice.Chance(0.6) ? dice.Between(60, 150) : null;
        journey.Reject(Gap.WorkingDays(dice.Between(0, 2), dice.OfficeHour()), code, note, revisit);
    }

    /// <summary>
    /// Works an accepted lead's deal up the pipeline to <paramref name="reach"/> through the board's moves: the person the
    /// rep talks to on the deal (a decision maker or a champion), a demo for the team with colleagues as stakeholders, a
    /// proposal, the buyer's pushback, and a contract once the one who signs is on the deal. Returns the amount on the
    /// table (null before a proposal).
    /// </summary>
    private decimal? WorkDeal(DemoJourney journey, DemoPerson person, decimal value, Reach reach)
    {
        if (dice.Chance(0.6))
        {
            journey.Log(Gap.Minutes(dice.Between(30, 240)), ActivityType.Email, Direction.Outbound, ActivityOutcome.Sent, "Sent the call recap and the plan for the next meeting.");
        }

        journey.AddStakeholder(Gap.Minutes(dice.Between(2, 15)), null, person.DecisionMaker ? StakeholderRole.DecisionMaker : StakeholderRole.Champion);
        if (reach == Reach.Qualified)
        {
            return null;
        }

        journey.Log(Gap.WorkingDays(dice.Between(1, 4), dice.OfficeHour()), ActivityType.Call, Direction.Outbound, ActivityOutcome.MeetingBooked, "Booked a demo for the whole team.");
        journey.MoveTo(Gap.Minutes(dice.Between(2, 20)), StageName(Reach.Discovery));
        journey.AddStakeholder(Gap.Minutes(dice.Between(2, 20)), Colleague(person, ["Head of Marketing", "Sales Operations Lead", "IT Manager"]), StakeholderRole.Influencer);
        if (dice.Chance(0.5))
        {
            journey.AddStakeholder(Gap.Minutes(dice.Between(2, 20)), Colleague(person, ["Account Manager", "Sales Team Lead", "Inside Sales Representative"]), StakeholderRole.User);
        }

        journey.Log(Gap.WorkingDays(dice.Between(2, 6), dice.OfficeHour()), ActivityType.Meeting, Direction.Outbound, ActivityOutcome.MeetingHeld,
            "Demo for sales, marketing and the finance lead. Questions about the import and the forecast.");
        if (reach == Reach.Discovery)
        {
            return null;
        }

        var amount = Round(value * (decimal)dice.Between(0.9, 1.15), 100);
        journey.MoveTo(Gap.WorkingDays(dice.Between(1, 5), dice.OfficeHour()), StageName(Reach.Proposal), amount);
        journey.Log(Gap.Minutes(dice.Between(5, 60)), ActivityType.Email, Direction.Outbound, ActivityOutcome.Sent, "Sent the proposal with the implementation plan.");
        if (dice.Chance(0.4))
        {
            journey.AddStakeholder(Gap.Minutes(dice.Between(2, 20)), Colleague(person, ["Procurement Manager", "Purchasing Officer"]), StakeholderRole.Procurement);
        }

        if (reach == Reach.Proposal)
        {
            return amount;
        }

        journey.Log(Gap.WorkingDays(dice.Between(2, 5), dice.OfficeHour()), ActivityType.Email, Direction.Inbound, ActivityOutcome.Received, dice.Pick(Pushback));
        journey.Log(Gap.WorkingDays(dice.Between(1, 3), dice.OfficeHour()), ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected,
            "Negotiation call: they will look at a two-year term for a better price.");
        journey.MoveTo(Gap.Minutes(dice.Between(5, 30)), StageName(Reach.Negotiation));
        if (dice.Chance(0.2))
        {
            journey.AddStakeholder(Gap.Minutes(dice.Between(2, 20)), Colleague(person, ["IT Director"]), StakeholderRole.Blocker);
        }

        amount = Round(amount * (decimal)dice.Between(0.9, 1.0), 100);
        if (reach == Reach.Negotiation)
        {
            return amount;
        }

        // Contracting asks for a decision maker among the stakeholders: the one who signs joins the deal first.
        if (!person.DecisionMaker)
        {
            journey.AddStakeholder(Gap.WorkingDays(dice.Between(1, 3), dice.OfficeHour()), Colleague(person, ["CFO", "Managing Director", "Commercial Director"], decisionMaker: true), StakeholderRole.DecisionMaker);
        }

        if (dice.Chance(0.5))
        {
            journey.AddStakeholder(Gap.Minutes(dice.Between(2, 20)), Colleague(person, ["Legal Counsel", "Contract Manager"]), StakeholderRole.Legal);
        }

        journey.MoveTo(Gap.WorkingDays(dice.Between(0, 3), dice.OfficeHour()), StageName(Reach.Contracting));
        journey.Log(Gap.Minutes(dice.Between(5, 60)), ActivityType.Email, Direction.Outbound, ActivityOutcome.Sent, "Sent the contract for signature.");
        return amount;
    }

    /// <summary>
    /// Leaves the deal open where it was worked to, with a next step. Three in four are warm: the next step is due in the
    /// coming days and an activity is scheduled for it, so their last beat may lie up to the stage's stale days back. Every
    /// fourth has gone quiet: its next step's day passed, nothing is planned, and its last touch is older than the stage allows.
    /// </summary>
    private DemoStory KeepOpen(DemoJourney journey, Reach reach, Stage leadStage)
    {
        var staleAfter = TimeSpan.FromDays(StageOf(reach).StaleAfterDays);
        var (nextStep, type, planned) = PlanFor(reach);
        if (_openDeals++ % 4 == 3)
        {
            journey.PlanNextStep(Gap.Minutes(dice.Between(5, 30)), nextStep, dice.Between(2, 5), overdue: true, dice.Between(20, 60));
            return new(journey, leadStage, staleAfter + TimeSpan.FromDays(4), staleAfter + TimeSpan.FromDays(dice.Between(8, 20)));
        }

        journey.PlanNextStep(Gap.Minutes(dice.Between(5, 30)), nextStep, dice.Between(1, 10), overdue: false, dice.Between(20, 75));
        journey.Schedule(Gap.Minutes(dice.Between(1, 10)), type, planned, Gap.WorkingDays(dice.Between(1, 8), dice.OfficeHour()));
        return new(journey, leadStage, TimeSpan.FromHours(4), staleAfter);
    }

    /// <summary>What the rep plans in an open stage: the next step, and the activity scheduled for it.</summary>
    private static (string NextStep, ActivityType Type, string Planned) PlanFor(Reach reach) => reach switch
    {
        Reach.Qualified => ("Discovery call with their head of sales", ActivityType.Call, "Discovery call: current process, volumes, who decides."),
        Reach.Discovery => ("Send the scope and agree on a date for the proposal", ActivityType.Meeting, "Follow-up with their IT lead about the import and the API."),
        Reach.Proposal => ("Walk through the proposal with their finance lead", ActivityType.Meeting, "Proposal walkthrough with finance."),
        Reach.Negotiation => ("Agree on the term and the volume discount", ActivityType.Call, "Negotiation call: two-year term against the volume discount."),
        _ => ("Contract signed by the decision maker", ActivityType.Email, "Check with their legal counsel that the contract is ready to sign."),
    };

    /// <summary>A colleague of the lead at the same company, with one of these titles.</summary>
    private DemoPerson Colleague(DemoPerson person, IReadOnlyList<string> titles, bool decisionMaker = false) =>
        people.ColleagueAt(person.Company, dice.Pick(titles), decisionMaker);

    /// <summary>The default pipeline's open stages, in order: what <see cref="Reach"/> counts.</summary>
    private PipelineStage StageOf(Reach reach) =>
        cast.Pipelines[0].Stages.Where(s => s.IsActive && s.Meaning is StageMeaning.Sql or StageMeaning.Opportunity).OrderBy(s => s.Position).ElementAt((int)reach);

    private string StageName(Reach reach) => StageOf(reach).Name;

    private Bant StrongBant(DemoPerson person, decimal value, DateTimeOffset at)
    {
        var budget = dice.Pick<BudgetAssessment>(
        [
            (new(BantStatus.Confirmed, "Budget approved for this year.", Round(value * (decimal)dice.Between(0.9, 1.3), 1000)), 55),
            (new(BantStatus.Partial, "Budget exists; the amount is to be confirmed with finance.", null), 30),
            (new(BantStatus.Unknown, null, null), 15),
        ]);
        var authority = person.DecisionMaker
            ? new AuthorityAssessment(BantStatus.Confirmed, "Signs the order.", $"{person.FirstName} {person.LastName}", person.JobTitle)
            : new AuthorityAssessment(BantStatus.Partial, "Champion; the decision needs sign-off.", null, dice.Pick(["CFO", "Managing Director", "Head of Sales"]));
        var timeline = dice.Pick<TimelineAssessment>(
        [
            (new(BantStatus.Confirmed, "Wants to go live before the new sales year.", DateOnly.FromDateTime(at.UtcDateTime).AddDays(dice.Between(30, 90))), 50),
            (new(BantStatus.Partial, "This year; no date yet.", null), 35),
            (new(BantStatus.Unknown, null, null), 15),
        ]);
        return new Bant(budget, authority, new NeedAssessment(BantStatus.Confirmed, dice.Pick(Needs)), timeline);
    }

    private static Bant Bant((BantStatus Status, string? Note) budget, (BantStatus Status, string? Note) authority, (BantStatus Status, string? Note) need, (BantStatus Status, string? Note) timeline) =>
        new(new BudgetAssessment(budget.Status, budget.Note, null),
            new AuthorityAssessment(authority.Status, authority.Note, null, null),
            new NeedAssessment(need.Status, need.Note),
            new TimelineAssessment(timeline.Status, timeline.Note, null));

    private static (BantStatus, string?) Assessed(BantStatus status, string? note) => (status, note);

    private Actor RepFor(string country)
    {
        var candidates = cast.Reps.Where(r => r.Territory.Contains(country)).Select(r => (r.Actor, r.Share)).ToList();
        return dice.Pick<Actor>(candidates);
    }

    private decimal DealValue(int employees)
    {
        var (min, max) = employees switch
        {
            < 50 => (4_000, 15_000),
            < 250 => (12_000, 45_000),
            < 1000 => (30_000, 95_000),
            _ => (70_000, 240_000),
        };
        return Round(dice.Between(min, max), 500);
    }

    private static decimal Round(decimal amount, decimal step) => Math.Max(step, Math.Round(amount / step) * step);
}
