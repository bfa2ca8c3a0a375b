namespace Leadgate.Qualification;

public enum ReasonKind
{
    Rejection,
    Disqualification,
    Lost,
}

/// <summary>An entry of one of the organisation's reason lists (rejection, disqualification, lost deal).</summary>
public sealed class Reason
{
    public const string Other = "Other";

    private Reason()
    {
        Code = null!;
        Label = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public ReasonKind Kind { get; private set; }

    /// <summary>Stable, used by the API and by reports; the UI shows a translation for the default codes.</summary>
    public string Code { get; private set; }

    public string Label { get; private set; }

    public bool RequiresNote { get; private set; }

    public bool IsActive { get; private set; }

    public int SortOrder { get; private set; }

    /// <summary>An entry of a list: one of the defaults, or one an admin or manager added.</summary>
    internal static Reason Listed(Guid organisationId, ReasonKind kind, string code, string label, bool requiresNote, bool active, int sortOrder) => new()
    {
        Id = Guid.NewGuid(),
        OrganisationId = organisationId,
        Kind = kind,
        Code = code,
        Label = label,
        RequiresNote = requiresNote,
        IsActive = active,
        SortOrder = sortOrder,
    };

    /// <summary>Changes how the reason is shown and offered; its code stays, because history and reports name it.</summary>
    internal void Revise(string label, bool requiresNote, bool active, int sortOrder)
    {
        Label = label;
        RequiresNote = requiresNote;
        IsActive = active;
        SortOrder = sortOrder;
    }

    /// <summary>The defaults of PRODUCT.md §3, which every new organisation starts with.</summary>
    public static IEnumerable<Reason> DefaultsFor(Guid organisationId)
    {
        (ReasonKind Kind, string Code, string Label)[] defaults =
        [
            (ReasonKind.Rejection, "NotReadyToBuy", "Not ready to buy"),
            (ReasonKind.Rejection, "NoBudget", "No budget"),
            (ReasonKind.Rejection, "NotDecisionMaker", "Not the decision maker"),
            (ReasonKind.Rejection, "PoorFit", "Poor fit"),
            (ReasonKind.Rejection, "NoResponse", "No response"),
            (ReasonKind.Rejection, Other, "Other"),
            (ReasonKind.Disqualification, "NotRelevant", "Not relevant"),
            (ReasonKind.Disqualification, "Duplicate", "Duplicate"),
            (ReasonKind.Disqualification, "Spam", "Spam"),
            (ReasonKind.Disqualification, "Competitor", "Competitor"),
            (ReasonKind.Disqualification, "PrivacyRequest", "Privacy request"),
            (ReasonKind.Disqualification, Other, "Other"),
            (ReasonKind.Lost, "Price", "Price"),
            (ReasonKind.Lost, "Competitor", "Went with a competitor"),
            (ReasonKind.Lost, "NoDecision", "No decision"),
            (ReasonKind.Lost, "Timing", "Timing"),
            (ReasonKind.Lost, "NoBudget", "No budget"),
            (ReasonKind.Lost, "LostContact", "Lost contact"),
            (ReasonKind.Lost, Other, "Other"),
        ];
        return defaults.Select((d, i) => Listed(organisationId, d.Kind, d.Code, d.Label, requiresNote: d.Code == Other, active: true, sortOrder: i));
    }
}
