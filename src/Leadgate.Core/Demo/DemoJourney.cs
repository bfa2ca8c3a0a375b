using System.Globalization;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;
using Leadgate.Scoring;

namespace Leadgate.Demo;

/// <summary>
/// The time between two beats of a journey: a delay (a form sent at night is answered by a rule minutes later), or a
/// number of working days later at an office hour (people call, meet and decide on weekdays).
/// </summary>
internal readonly record struct Gap
{
    private readonly TimeSpan _delay;
    private readonly int _workingDays;
    private readonly TimeSpan _officeHour;

    private Gap(TimeSpan delay, int workingDays, TimeSpan officeHour)
    {
        _delay = delay;
        _workingDays = workingDays;
        _officeHour = officeHour;
    }

    public static Gap Minutes(int minutes) => new(TimeSpan.FromMinutes(minutes), -1, default);

    public static Gap WorkingDays(int days, TimeSpan officeHour) => new(default, days, officeHour);

    public DateTimeOffset After(DateTimeOffset moment)
    {
        if (_workingDays < 0)
        {
            return moment + _delay;
        }

        var day = DateOnly.FromDateTime(moment.UtcDateTime);
        for (var i = 0; i < _workingDays; i++)
        {
            day = day.AddDays(1);
            while (IsWeekend(day))
            {
                day = day.AddDays(1);
            }
        }

        while (IsWeekend(day))
        {
            day = day.AddDays(1);
        }

        var at = new DateTimeOffset(day.ToDateTime(TimeOnly.FromTimeSpan(_officeHour)), TimeSpan.Zero);
        return at > moment ? at : moment.AddMinutes(20);
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}

/// <summary>
/// One lead's life in the demo, written first as beats with the gaps between them, then placed in time and played
/// through the lead's own methods and, once it has a deal, the deal's use cases in memory (<see cref="DealChanges.Apply"/>
/// with <see cref="MoveDeal"/>'s move): the same rules as in the product, so a refused beat is a bug in the story and
/// stops the seed, and the deal's history rows say who moved it when. Every beat is later than the one before it; what a
/// beat plans ahead (a next step, a scheduled activity) is dated from the moment the demo is seeded.
/// </summary>
internal sealed class DemoJourney(DemoCast cast, DemoPerson person, string source, string? campaign, Actor creator)
{
    private readonly List<(Gap Gap, Action<DateTimeOffset> Play)> _beats = [];
    private readonly List<Contact> _colleagues = [];
    private readonly List<ScheduledActivity> _scheduled = [];
    private readonly List<(BehaviourType Type, DateTimeOffset At, string? Properties)> _behaviour = [];
    private DateTimeOffset _now;

    public DemoPerson Person => person;

    public Lead Lead { get; private set; } = null!;

    public Deal? Deal { get; private set; }

    public Actor? Owner { get; private set; }

    /// <summary>The lead's colleagues the deal names as stakeholders: contacts without a lead of their own.</summary>
    public IReadOnlyList<Contact> Colleagues => _colleagues;

    /// <summary>The activities planned on the deal, due after the moment the demo was seeded.</summary>
    public IReadOnlyList<ScheduledActivity> Scheduled => _scheduled;

    /// <summary>Set while the story is being written: the beats after it are sales work by this rep.</summary>
    public Actor? PlannedOwner { get; private set; }

    public int Beats => _beats.Count + 1;

    public DemoJourney MarkMql(Gap gap, Actor by, string reason) =>
        Then(gap, at => Must(Lead.MarkMql(reason, by, at)));

    /// <summary>Something the person did that the behaviour events record (a page visit, a download, a reply).</summary>
    public DemoJourney Engage(Gap gap, BehaviourType type, string? properties = null) =>
        Then(gap, at => _behaviour.Add((type, at, properties)));

    /// <summary>
    /// The lead is scored on its facts and its events so far, as the product scores it when an event arrives; when the
    /// model's rule is met the rule makes it an MQL, with the rule's own name and reason. A lead whose fit stays under the
    /// rule's line is qualified by marketing by hand instead, and the reason says so with the scores as they were.
    /// </summary>
    public DemoJourney MarkMqlByScore(Gap gap) =>
        Then(gap, at =>
        {
            var breakdown = ScoreAt(at);
            if (MqlRule.Decide(cast.Model, breakdown.FitScore, breakdown.EngagementScore, null) is { } rule)
            {
                Must(Lead.MarkMql(rule.Reason, Actor.ForRule(cast.OrganisationId, rule.Rule), at));
                return;
            }

            Must(Lead.MarkMql(
                string.Create(CultureInfo.InvariantCulture,
                    $"Engaged (engagement {breakdown.EngagementScore:0.##}) though fit {breakdown.FitScore ?? 0:0.#} is under the rule's {cast.Model.FitThreshold:0.#}: qualified by hand"),
                cast.Marketer, at));
        });

    /// <summary>Scores the lead on its facts and its events up to <paramref name="at"/>, and keeps the scores on it.</summary>
    public ScoreBreakdown ScoreAt(DateTimeOffset at)
    {
        var breakdown = ScoreBreakdown.Of(cast.Model, LeadScoring.FactsOf(Lead), ScoredEvents().Where(e => e.OccurredAt <= at), at);
        Lead.RecordScores(breakdown.FitScore, breakdown.EngagementScore, at);
        return breakdown;
    }

    /// <summary>The behaviour events of the journey, as the event API would have stored them (received when they happened).</summary>
    public IEnumerable<BehaviourEvent> BehaviourEvents() =>
        _behaviour.Select((b, i) => BehaviourEvent.Record(
            cast.OrganisationId, Lead.Id, ExternalId(i), b.Type, b.At, b.Properties,
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{ExternalId(i)}|{b.Type}|{b.At:O}|{b.Properties}"))),
            b.At));

    private IEnumerable<ScoredEvent> ScoredEvents() => _behaviour.Select((b, i) => new ScoredEvent(ExternalId(i), b.Type, b.At));

    private string ExternalId(int index) => string.Create(CultureInfo.InvariantCulture, $"demo-{Lead.Id:N}-{index}");

    public DemoJourney Assign(Gap gap, Actor rep)
    {
        PlannedOwner = rep;
        return Then(gap, at =>
        {
            Lead.AssignTo(rep.UserId!.Value, "picked up", rep, at);
            Owner = rep;
        });
    }

    public DemoJourney Log(Gap gap, ActivityType type, Direction direction, ActivityOutcome? outcome, string? notes) =>
        Then(gap, at => Must(Lead.Log(type, direction, outcome, notes, at, OwnerOrFail(), at)));

    public DemoJourney AssessBant(Gap gap, Func<DateTimeOffset, Bant> bant) =>
        Then(gap, at => Must(Lead.RecordBant(bant(at), OwnerOrFail(), at)));

    /// <summary>Accepts with the latest two-way conversation since the lead became MQL, as the AcceptLead use case does; the deal starts in the first Sql stage.</summary>
    public DemoJourney Accept(Gap gap, decimal value, int closeInDays) =>
        Then(gap, at =>
        {
            var conversation = Lead.Activities
                .Where(a => a.IsTwoWayConversation && a.OccurredAt >= Lead.MqlAt)
                .MaxBy(a => a.OccurredAt);
            var terms = new DealTerms(value, cast.Currency, DateOnly.FromDateTime(at.UtcDateTime).AddDays(closeInDays));
            Deal = Must(Lead.Accept(terms, conversation, cast.SqlMinimum, OwnerOrFail(), at));
            AcceptLead.Place(Deal, cast.Pipelines[0], OwnerOrFail(), at);
        });

    public DemoJourney Reject(Gap gap, string reasonCode, string? note, int? revisitInDays) =>
        Then(gap, at => Must(Lead.Reject(
            cast.Reason(ReasonKind.Rejection, reasonCode), note,
            revisitInDays is { } days ? DateOnly.FromDateTime(at.UtcDateTime).AddDays(days) : null,
            OwnerOrFail(), at)));

    public DemoJourney Disqualify(Gap gap, Actor? by, string reasonCode, string? note) =>
        Then(gap, at => Must(Lead.Disqualify(cast.Reason(ReasonKind.Disqualification, reasonCode), note, by ?? OwnerOrFail(), at)));

    /// <summary>Moves the deal on the board to the stage of this name, as MoveDeal does: the stage's fields and the lifecycle decide.</summary>
    public DemoJourney MoveTo(Gap gap, string stage, decimal? amount = null) =>
        Then(gap, at => Move(at, new MoveDealRequest { Stage = stage, Amount = amount }, null));

    /// <summary>Moves the deal to its won stage with the final amount, closed on the day of the beat.</summary>
    public DemoJourney Win(Gap gap, decimal amount) =>
        Then(gap, at => Move(at, new MoveDealRequest { Stage = cast.Pipelines[0].FirstWith(StageMeaning.Won)!.Name, Amount = amount, ClosedOn = DateOnly.FromDateTime(at.UtcDateTime) }, null));

    /// <summary>Moves the deal to its lost stage with a lost reason of the organisation's list; the lead goes to <paramref name="then"/>.</summary>
    public DemoJourney Lose(Gap gap, string reasonCode, string? note, Stage then, string? competitor = null) =>
        Then(gap, at => Move(
            at,
            new MoveDealRequest
            {
                Stage = cast.Pipelines[0].FirstWith(StageMeaning.Lost)!.Name,
                Reason = reasonCode,
                Note = note,
                Competitor = competitor,
                Then = then == Stage.Disqualified ? AfterLost.Disqualified : AfterLost.Nurture,
            },
            cast.Reason(ReasonKind.Lost, reasonCode)));

    /// <summary>Names the lead's own contact (<paramref name="colleague"/> null) or a colleague as a stakeholder of the deal, as AddStakeholder does.</summary>
    public DemoJourney AddStakeholder(Gap gap, DemoPerson? colleague, StakeholderRole role) =>
        Then(gap, at =>
        {
            var contact = Lead.Contact;
            if (colleague is not null)
            {
                contact = _colleagues.Find(c => c.Email == colleague.Email) ?? NewContact(colleague, at);
            }

            var id = contact.Id;
            ChangeDeal(at, (deal, _, _) => deal.AddStakeholder(id, role, at).Map(_ => Done.Value));
        });

    /// <summary>
    /// The next step and its due day, as ReviseDeal sets them: <paramref name="dueInDays"/> after the day the demo is seeded,
    /// or, when <paramref name="overdue"/>, after the day of the beat (a step nobody took). A close date that would lie
    /// within two weeks of the seed is pushed to <paramref name="closeInDays"/> after it, so no open deal closes in the past.
    /// </summary>
    public DemoJourney PlanNextStep(Gap gap, string text, int dueInDays, bool overdue, int closeInDays) =>
        Then(gap, at => ChangeDeal(at, (deal, _, _) =>
        {
            var today = DateOnly.FromDateTime(_now.UtcDateTime);
            if (deal.ExpectedCloseDate < today.AddDays(14))
            {
                var revised = deal.Revise(null, null, today.AddDays(closeInDays), at);
                if (revised.Error is { } refused)
                {
                    return refused;
                }
            }

            var due = overdue ? DateOnly.FromDateTime(at.UtcDateTime).AddDays(dueInDays) : today.AddDays(dueInDays);
            return deal.Plan(new DealPlan { SetsNextStep = true, NextStepText = text, NextStepDueOn = due }, at);
        }));

    /// <summary>Schedules an activity on the deal, as LogDealActivity does with a due time: <paramref name="dueIn"/> after the moment the demo is seeded.</summary>
    public DemoJourney Schedule(Gap gap, ActivityType type, string notes, Gap dueIn) =>
        Then(gap, at => ChangeDeal(at, (deal, _, _) =>
        {
            var scheduled = ScheduledActivity.Create(deal, type, notes, dueIn.After(_now), OwnerOrFail(), at);
            if (scheduled.IsSuccess)
            {
                _scheduled.Add(scheduled.Value);
            }

            return scheduled.Map(_ => Done.Value);
        }));

    /// <summary>When the last beat happens if the lead is created at <paramref name="start"/>.</summary>
    public DateTimeOffset EndWhenStartingAt(DateTimeOffset start) =>
        _beats.Aggregate(start, (at, beat) => beat.Gap.After(at));

    /// <summary>Creates the lead at <paramref name="start"/> and plays every beat; <paramref name="now"/> is when the demo is seeded. Returns the moment of the last beat.</summary>
    public DateTimeOffset Play(DateTimeOffset start, DateTimeOffset now)
    {
        _now = now;
        var contact = Contact.Create(cast.OrganisationId, EmailAddress.Parse(person.Email).Value, start);
        contact.Describe(person.FirstName, person.LastName, person.JobTitle, person.Phone);
        RecordBasis(contact, start);
        Lead = Must(Lead.Create(contact, cast.CompanyFor(person.Company, start), source, campaign, creator, start));
        var at = start;
        foreach (var (gap, play) in _beats)
        {
            at = gap.After(at);
            play(at);
        }

        return at;
    }

    /// <summary>The consents the person gave on the form they came in through (none for imports and referrals).</summary>
    public List<Intake.Consent> Consents { get; } = [];

    /// <summary>
    /// The lawful basis as the intake path records it in the product: a form's consent (with the form's text), an imported
    /// list's legitimate interest, and a referral entered by hand on legitimate interest.
    /// </summary>
    private void RecordBasis(Contact contact, DateTimeOffset at)
    {
        if (creator == cast.WebForm)
        {
            contact.RecordBasis(Privacy.LawfulBasis.Consent, Privacy.LawfulBasisSource.Form, at);
            Consents.Add(Intake.Consent.Given(source == "Webinar" ? cast.WebinarForm : cast.WebsiteForm, contact.Id, at));
        }
        else
        {
            contact.RecordBasis(Privacy.LawfulBasis.LegitimateInterest, creator == cast.ListImport ? Privacy.LawfulBasisSource.Import : Privacy.LawfulBasisSource.Hand, at);
        }
    }

    private DemoJourney Then(Gap gap, Action<DateTimeOffset> play)
    {
        _beats.Add((gap, play));
        return this;
    }

    private void Move(DateTimeOffset at, MoveDealRequest request, Reason? reason) =>
        ChangeDeal(at, (deal, lead, pipelines) => MoveDeal.Move(deal, lead, pipelines, request, reason, OwnerOrFail(), at));

    /// <summary>A change to the deal by its owner, kept in step with the lead and written to the deal's history as the use cases do.</summary>
    private void ChangeDeal(DateTimeOffset at, Func<Deal, Lead, IReadOnlyList<SalesPipeline>, Result<Done>> change) =>
        Must(DealChanges.Apply(DealOrFail(), Lead, cast.Pipelines, OwnerOrFail(), at, change));

    private Contact NewContact(DemoPerson colleague, DateTimeOffset at)
    {
        var contact = Contact.Create(cast.OrganisationId, EmailAddress.Parse(colleague.Email).Value, at);
        contact.Describe(colleague.FirstName, colleague.LastName, colleague.JobTitle, colleague.Phone);
        _colleagues.Add(contact);
        return contact;
    }

    private Actor OwnerOrFail() => Owner ?? throw new InvalidOperationException("A demo journey has sales work before the lead was assigned.");

    private Deal DealOrFail() => Deal ?? throw new InvalidOperationException("A demo journey works a deal before the lead was accepted.");

    private T Must<T>(Result<T> result) => result.Error is { } error
        ? throw new InvalidOperationException($"The demo journey of a {source} lead broke a rule of the product: {error.Message}")
        : result.Value;
}
