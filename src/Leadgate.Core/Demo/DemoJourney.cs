using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;

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
/// through the lead's own methods — the same rules as in the product, so a refused beat is a bug in the story and stops
/// the seed. Every beat is later than the one before it.
/// </summary>
internal sealed class DemoJourney(DemoCast cast, DemoPerson person, string source, string? campaign, Actor creator)
{
    private readonly List<(Gap Gap, Action<DateTimeOffset> Play)> _beats = [];

    public DemoPerson Person => person;

    public Lead Lead { get; private set; } = null!;

    public Deal? Deal { get; private set; }

    public Actor? Owner { get; private set; }

    /// <summary>Set while the story is being written: the beats after it are sales work by this rep.</summary>
    public Actor? PlannedOwner { get; private set; }

    public int Beats => _beats.Count + 1;

    public DemoJourney MarkMql(Gap gap, Actor by, string reason) =>
        Then(gap, at => Must(Lead.MarkMql(reason, by, at)));

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

    /// <summary>Accepts with the latest two-way conversation since the lead became MQL, as the AcceptLead use case does.</summary>
    public DemoJourney Accept(Gap gap, decimal value, int closeInDays) =>
        Then(gap, at =>
        {
            var conversation = Lead.Activities
                .Where(a => a.IsTwoWayConversation && a.OccurredAt >= Lead.MqlAt)
                .MaxBy(a => a.OccurredAt);
            var terms = new DealTerms(value, cast.Currency, DateOnly.FromDateTime(at.UtcDateTime).AddDays(closeInDays));
            Deal = Must(Lead.Accept(terms, conversation, cast.SqlMinimum, OwnerOrFail(), at));
        });

    public DemoJourney Reject(Gap gap, string reasonCode, string? note, int? revisitInDays) =>
        Then(gap, at => Must(Lead.Reject(
            cast.Reason(ReasonKind.Rejection, reasonCode), note,
            revisitInDays is { } days ? DateOnly.FromDateTime(at.UtcDateTime).AddDays(days) : null,
            OwnerOrFail(), at)));

    public DemoJourney Disqualify(Gap gap, Actor? by, string reasonCode, string? note) =>
        Then(gap, at => Must(Lead.Disqualify(cast.Reason(ReasonKind.Disqualification, reasonCode), note, by ?? OwnerOrFail(), at)));

    public DemoJourney RecordProposal(Gap gap, decimal amount) =>
        Then(gap, at => Must(Lead.RecordProposal(DealOrFail(), amount, OwnerOrFail(), at)));

    public DemoJourney MarkWon(Gap gap, decimal amount) =>
        Then(gap, at => Must(Lead.MarkWon(DealOrFail(), amount, DateOnly.FromDateTime(at.UtcDateTime), OwnerOrFail(), at)));

    public DemoJourney MarkLost(Gap gap, string reasonCode, string? note, Stage then) =>
        Then(gap, at => Must(Lead.MarkLost(DealOrFail(), cast.Reason(ReasonKind.Lost, reasonCode), note, then, OwnerOrFail(), at)));

    /// <summary>When the last beat happens if the lead is created at <paramref name="start"/>.</summary>
    public DateTimeOffset EndWhenStartingAt(DateTimeOffset start) =>
        _beats.Aggregate(start, (at, beat) => beat.Gap.After(at));

    /// <summary>Creates the lead at <paramref name="start"/> and plays every beat; returns the moment of the last one.</summary>
    public DateTimeOffset Play(DateTimeOffset start)
    {
        var contact = Contact.Create(cast.OrganisationId, EmailAddress.Parse(person.Email).Value, start);
        contact.Describe(person.FirstName, person.LastName, person.JobTitle, person.Phone);
        Lead = Must(Lead.Create(contact, cast.CompanyFor(person.Company, start), source, campaign, creator, start));
        var at = start;
        foreach (var (gap, play) in _beats)
        {
            at = gap.After(at);
            play(at);
        }

        return at;
    }

    private DemoJourney Then(Gap gap, Action<DateTimeOffset> play)
    {
        _beats.Add((gap, play));
        return this;
    }

    private Actor OwnerOrFail() => Owner ?? throw new InvalidOperationException("A demo journey has sales work before the lead was assigned.");

    private Deal DealOrFail() => Deal ?? throw new InvalidOperationException("A demo journey works a deal before the lead was accepted.");

    private T Must<T>(Result<T> result) => result.Error is { } error
        ? throw new InvalidOperationException($"The demo journey of a {source} lead broke a rule of the product: {error.Message}")
        : result.Value;
}
