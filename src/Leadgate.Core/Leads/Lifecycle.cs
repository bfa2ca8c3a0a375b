using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Qualification;

namespace Leadgate.Leads;

/// <summary>What can be done to a lead. Each row of the lifecycle table is reached through one of these.</summary>
public enum LeadAction
{
    Create,
    MarkMql,
    Accept,
    Reject,
    Disqualify,
    RecordProposal,
    MarkWon,
    MarkLost,
}

/// <summary>The parties of the table's "who may do it" column.</summary>
[Flags]
public enum Who
{
    None = 0,
    Marketing = 1,
    Sales = 2,
    Rules = 4,
    Import = 8,
    System = 16,
    Api = 32,
}

/// <summary>The facts a guard looks at. A handler fills in what its action needs; the rest stay empty.</summary>
public sealed record TransitionFacts(DateTimeOffset At)
{
    public Lead? Lead { get; init; }

    public bool ContactKnown { get; init; }

    public string? Reason { get; init; }

    public Reason? ListedReason { get; init; }

    public string? Note { get; init; }

    public Activity? Conversation { get; init; }

    public Bant? Bant { get; init; }

    public BantMinimum? Minimum { get; init; }

    public decimal? Amount { get; init; }

    public DateOnly? ClosedOn { get; init; }
}

/// <summary>A guard returns what is missing, or nothing when the move may happen.</summary>
public delegate IEnumerable<Requirement> Guard(TransitionFacts facts);

/// <summary>One row of PRODUCT.md §3. <see cref="From"/> is null for a new lead.</summary>
public sealed record Transition(LeadAction Action, Stage? From, Stage To, Who AllowedFor, params Guard[] Guards)
{
    /// <summary>What the guards find missing, each requirement once; an empty list, allocated once, when nothing is.</summary>
    public IReadOnlyList<Requirement> Unmet(TransitionFacts facts)
    {
        List<Requirement>? unmet = null;
        foreach (var guard in Guards)
        {
            foreach (var requirement in guard(facts))
            {
                unmet ??= [];
                if (!unmet.Exists(r => r.Code == requirement.Code))
                {
                    unmet.Add(requirement);
                }
            }
        }

        return unmet ?? (IReadOnlyList<Requirement>)[];
    }
}

/// <summary>
/// The lifecycle table of PRODUCT.md §3, the single source of truth: the lead's own methods ask it, the UI asks it which
/// actions to offer, and a table-driven test walks every stage and action against it.
/// </summary>
public static class Lifecycle
{
    private const Who Creators = Who.System | Who.Marketing | Who.Import | Who.Api;

    public static readonly IReadOnlyList<Transition> Table =
    [
        new(LeadAction.Create, null, Stage.Iql, Creators, Guards.ContactKnown),
        new(LeadAction.Create, null, Stage.Mql, Creators, Guards.ContactKnown, Guards.MqlEvidence),
        new(LeadAction.MarkMql, Stage.Iql, Stage.Mql, Who.Rules | Who.Marketing, Guards.MqlEvidence),
        new(LeadAction.Accept, Stage.Mql, Stage.Sql, Who.Sales, Guards.TwoWayConversationSinceMql, Guards.BantMeetsMinimum),
        new(LeadAction.Reject, Stage.Mql, Stage.Nurture, Who.Sales, Guards.ListedReason(ReasonKind.Rejection)),
        new(LeadAction.Disqualify, Stage.Mql, Stage.Disqualified, Who.Sales | Who.Marketing, Guards.ListedReason(ReasonKind.Disqualification)),
        new(LeadAction.Disqualify, Stage.Iql, Stage.Disqualified, Who.Sales | Who.Marketing, Guards.ListedReason(ReasonKind.Disqualification)),
        new(LeadAction.Disqualify, Stage.Nurture, Stage.Disqualified, Who.Sales | Who.Marketing, Guards.ListedReason(ReasonKind.Disqualification)),
        new(LeadAction.RecordProposal, Stage.Sql, Stage.Opportunity, Who.Sales, Guards.ProposalAmount),
        new(LeadAction.MarkWon, Stage.Sql, Stage.Customer, Who.Sales, Guards.WonAmountAndDate),
        new(LeadAction.MarkWon, Stage.Opportunity, Stage.Customer, Who.Sales, Guards.WonAmountAndDate),
        new(LeadAction.MarkLost, Stage.Sql, Stage.Nurture, Who.Sales, Guards.ListedReason(ReasonKind.Lost)),
        new(LeadAction.MarkLost, Stage.Sql, Stage.Disqualified, Who.Sales, Guards.ListedReason(ReasonKind.Lost)),
        new(LeadAction.MarkLost, Stage.Opportunity, Stage.Nurture, Who.Sales, Guards.ListedReason(ReasonKind.Lost)),
        new(LeadAction.MarkLost, Stage.Opportunity, Stage.Disqualified, Who.Sales, Guards.ListedReason(ReasonKind.Lost)),
        new(LeadAction.MarkMql, Stage.Nurture, Stage.Mql, Who.Rules | Who.Marketing, Guards.RevisitDatePassed, Guards.MqlEvidence),
    ];

    /// <summary>Which parties the actor counts as.</summary>
    /// <summary>The table's rows by action, in the table's order: every new lead (an import's million) asks for its action's rows.</summary>
    private static readonly ILookup<LeadAction, Transition> RowsByAction = Table.ToLookup(t => t.Action);

    public static Who PartiesOf(Actor actor)
    {
        var who = actor.Kind switch
        {
            ActorKind.Rule => Who.Rules,
            ActorKind.Import => Who.Import,
            ActorKind.System => Who.System,
            ActorKind.User => (actor.IsIn(Roles.Marketing) ? Who.Marketing : Who.None) | (actor.IsIn(Roles.Sales) ? Who.Sales : Who.None),
        };
        return actor.Channel == Channel.Api && actor.Kind == ActorKind.User ? who | Who.Api : who;
    }

    /// <summary>
    /// Decides a move: the actor must be allowed to take this action at all (else <see cref="Forbidden"/>), the table must
    /// hold a row from the current stage (else <see cref="TransitionNotAllowed"/>), and its guards must be met
    /// (else <see cref="RequirementsMissing"/>). Nothing is changed here.
    /// </summary>
    public static Result<Transition> Decide(LeadAction action, Stage? from, Stage? to, Actor actor, TransitionFacts facts)
    {
        var parties = PartiesOf(actor);
        var allowed = false;
        Transition? row = null;
        foreach (var candidate in RowsByAction[action])
        {
            allowed |= (candidate.AllowedFor & parties) != 0;
            if (row is null && candidate.From == from && (to is null || candidate.To == to))
            {
                row = candidate;
            }
        }

        if (!allowed)
        {
            return new Forbidden($"{Describe(actor)} may not {Verb(action)}.");
        }

        if (row is null)
        {
            return from is { } current
                ? new TransitionNotAllowed(action, current, to ?? DefaultTarget(action))
                : new Invalid(new Dictionary<string, string[]> { ["stage"] = [to is null ? $"{action} needs an existing lead." : $"A new lead cannot start in stage {to}."] });
        }

        if ((row.AllowedFor & parties) == 0)
        {
            return new Forbidden($"{Describe(actor)} may not {Verb(action)} a lead in stage {from}.");
        }

        var unmet = row.Unmet(facts);
        return unmet.Count == 0 ? row : new RequirementsMissing(from ?? row.To, row.To, unmet);
    }

    /// <summary>The actions this actor may start on a lead in this stage: what the UI shows as buttons.</summary>
    public static IReadOnlyList<Transition> AvailableTo(Actor actor, Stage stage)
    {
        var parties = PartiesOf(actor);
        return [.. Table.Where(t => t.From == stage && (t.AllowedFor & parties) != 0)];
    }

    private static Stage? DefaultTarget(LeadAction action) => action switch
    {
        LeadAction.Create => null,
        LeadAction.MarkMql => Stage.Mql,
        LeadAction.Accept => Stage.Sql,
        LeadAction.Reject => Stage.Nurture,
        LeadAction.Disqualify => Stage.Disqualified,
        LeadAction.RecordProposal => Stage.Opportunity,
        LeadAction.MarkWon => Stage.Customer,
        LeadAction.MarkLost => null,
    };

    private static string Describe(Actor actor) => actor.Kind switch
    {
        ActorKind.User => actor.Roles.Count == 0 ? "A user without a role" : $"A user with the role {string.Join(" and ", actor.Roles.Order(StringComparer.Ordinal))}",
        ActorKind.Rule => $"The rule '{actor.Name}'",
        ActorKind.Import => "An import",
        ActorKind.System => "The system",
    };

    private static string Verb(LeadAction action) => action switch
    {
        LeadAction.Create => "create a lead",
        LeadAction.MarkMql => "mark a lead as MQL",
        LeadAction.Accept => "accept a lead as SQL",
        LeadAction.Reject => "reject a lead",
        LeadAction.Disqualify => "disqualify a lead",
        LeadAction.RecordProposal => "record a proposal",
        LeadAction.MarkWon => "mark a deal won",
        LeadAction.MarkLost => "mark a deal lost",
    };
}

/// <summary>The guards of the table's last column.</summary>
public static class Guards
{
    public static IEnumerable<Requirement> ContactKnown(TransitionFacts facts)
    {
        if (!facts.ContactKnown)
        {
            yield return Requirement.ContactKnown;
        }
    }

    public static IEnumerable<Requirement> MqlEvidence(TransitionFacts facts)
    {
        if (string.IsNullOrWhiteSpace(facts.Reason))
        {
            yield return Requirement.MqlEvidence;
        }
    }

    public static IEnumerable<Requirement> TwoWayConversationSinceMql(TransitionFacts facts)
    {
        var since = facts.Lead?.MqlAt;
        if (facts.Conversation is not { IsTwoWayConversation: true } talk || since is null || talk.OccurredAt < since || talk.LeadId != facts.Lead!.Id)
        {
            yield return Requirement.TwoWayConversation;
        }
    }

    public static IEnumerable<Requirement> BantMeetsMinimum(TransitionFacts facts)
    {
        var minimum = facts.Minimum ?? BantMinimum.Default;
        var bant = facts.Bant ?? Bant.Unassessed;
        return minimum.Shortfalls(bant);
    }

    public static Guard ListedReason(ReasonKind kind) => facts => ReasonShortfalls(kind, facts);

    public static IEnumerable<Requirement> RevisitDatePassed(TransitionFacts facts)
    {
        if (facts.Lead?.RevisitOn is { } revisit && DateOnly.FromDateTime(facts.At.UtcDateTime) < revisit)
        {
            yield return Requirement.RevisitDatePassed;
        }
    }

    public static IEnumerable<Requirement> ProposalAmount(TransitionFacts facts)
    {
        if (facts.Amount is not > 0)
        {
            yield return Requirement.ProposalAmount;
        }
    }

    public static IEnumerable<Requirement> WonAmountAndDate(TransitionFacts facts)
    {
        if (facts.Amount is not > 0)
        {
            yield return Requirement.WonAmount;
        }

        if (facts.ClosedOn is null)
        {
            yield return Requirement.WonCloseDate;
        }
    }

    private static IEnumerable<Requirement> ReasonShortfalls(ReasonKind kind, TransitionFacts facts)
    {
        if (facts.ListedReason is not { IsActive: true } reason || reason.Kind != kind)
        {
            yield return kind switch
            {
                ReasonKind.Rejection => Requirement.RejectionReason,
                ReasonKind.Disqualification => Requirement.DisqualificationReason,
                ReasonKind.Lost => Requirement.LostReason,
            };
            yield break;
        }

        if (reason.RequiresNote && string.IsNullOrWhiteSpace(facts.Note))
        {
            yield return Requirement.ReasonNote;
        }
    }
}
