namespace Leadgate.Leads;

/// <summary>Something a guard found missing. The code is stable (the UI translates it); the message is English.</summary>
public sealed record Requirement(string Code, string Message)
{
    public static readonly Requirement ContactKnown =
        new("contact", "A known contact: an e-mail address.");

    public static readonly Requirement MqlEvidence =
        new("mqlEvidence", "A reason why the lead is marketing qualified (a met scoring rule, a hand-raise, or marketing's own reason).");

    public static readonly Requirement TwoWayConversation =
        new("conversation", "A logged two-way conversation with the lead since it became MQL: a connected call, a held meeting, or an inbound e-mail.");

    public static readonly Requirement RejectionReason =
        new("reason", "A rejection reason from the organisation's list.");

    public static readonly Requirement DisqualificationReason =
        new("reason", "A disqualification reason from the organisation's list.");

    public static readonly Requirement LostReason =
        new("reason", "A lost reason from the organisation's list.");

    public static readonly Requirement ReasonNote =
        new("note", "A note explaining the reason (the reason 'other' needs one).");

    public static readonly Requirement RevisitDatePassed =
        new("revisitOn", "The revisit date set when the lead was sent back has not come yet.");

    public static readonly Requirement ProposalAmount =
        new("amount", "A proposal or quote amount recorded on the deal.");

    public static readonly Requirement WonAmount =
        new("amount", "The final amount of the won deal.");

    public static readonly Requirement WonCloseDate =
        new("closedOn", "The date the won deal closed.");

    public static Requirement Bant(string dimension, Qualification.BantStatus required) =>
        new($"bant.{dimension}", $"BANT {dimension} must be {(required == Qualification.BantStatus.Confirmed ? "Confirmed" : "at least Partial")} (the organisation's minimum for SQL).");
}
