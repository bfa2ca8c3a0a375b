using Leadgate.Accounts;
using Leadgate.Qualification;
using Leadgate.Scoring;

namespace Leadgate.Leads;

public sealed record CompanyView(Guid Id, string Name, string? Domain, string? Industry, int? Employees, string? Country);

public sealed record StageEventView(
    Guid Id, Stage? From, Stage To, DateTimeOffset At, ActorKind ActorKind, Guid? ActorUserId, string ActorName,
    string? Reason, string? Note, Guid? EvidenceActivityId);

public sealed record ActivityView(
    Guid Id, ActivityType Type, Direction Direction, ActivityOutcome? Outcome, string? Notes,
    DateTimeOffset OccurredAt, DateTimeOffset LoggedAt, Guid? UserId, string ActorName, bool TwoWayConversation)
{
    /// <summary>The reply an outreach agency handed over with the lead: context, not this organisation's own conversation.</summary>
    public bool FromAgency { get; init; }
}

public sealed record BantView(
    BudgetAssessment Budget, AuthorityAssessment Authority, NeedAssessment Need, TimelineAssessment Timeline,
    int ConfirmedCount, DateTimeOffset? AssessedAt, string? AssessedBy);

/// <summary>A lead as the API and the lead page show it: details, stage history, activities and BANT.</summary>
public sealed record LeadDetails(
    Guid Id,
    string Email,
    string? FirstName,
    string? LastName,
    string? JobTitle,
    string? Phone,
    string? Source,
    string? Campaign,
    CompanyView? Company,
    Stage Stage,
    Stage HighestStage,
    WorkStatus WorkStatus,
    Guid? OwnerId,
    string? OwnerName,
    Guid? DealId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset StageChangedAt,
    DateTimeOffset? MqlAt,
    DateOnly? RevisitOn,
    BantView Bant,
    IReadOnlyList<StageEventView> History,
    IReadOnlyList<ActivityView> Activities,
    long Version)
{
    public string FullName => string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));

    /// <summary>The basis the person's data is held on (GDPR Art. 6): consent, legitimate interest or contract, where from and when; null until recorded.</summary>
    public Privacy.RecordedBasis? LawfulBasis { get; init; }

    /// <summary>The consents the person gave on web forms, oldest first.</summary>
    public IReadOnlyList<Privacy.ConsentView> Consents { get; init; } = [];

    /// <summary>Fit with the ICP (0–100) as of this read; null when no criterion could be judged.</summary>
    public decimal? FitScore { get; init; }

    /// <summary>Engagement as of this read, decay included.</summary>
    public decimal EngagementScore { get; init; }

    /// <summary>Every contribution to both scores, and where the lead stands against the MQL rule.</summary>
    public ScoreBreakdown? ScoreBreakdown { get; init; }

    /// <summary>When the scores kept on the lead (for lists and filters) were last computed.</summary>
    public DateTimeOffset? ScoredAt { get; init; }

    /// <summary>The latest handover to sales with its response clock; null for a lead that was never an MQL.</summary>
    public HandoverView? Handover { get; init; }

    /// <summary>Every assignment of the lead, oldest first: to whom (none = the shared queue), by whom, why.</summary>
    public IReadOnlyList<AssignmentView> Assignments { get; init; } = [];

    /// <summary>The stage the import's source system had for the lead, as written there; a fact, not a qualification (decision 0007).</summary>
    public string? SourceStage { get; init; }

    /// <summary>When the import's source system created the lead (UTC); <see cref="CreatedAt"/> is when it came into Leadgate.</summary>
    public DateTimeOffset? SourceCreatedAt { get; init; }

    /// <summary>How the lead ended in the import's source system (converted or not): imported history prediction learns from, not a qualification.</summary>
    public SourceOutcome? SourceOutcome { get; init; }

    /// <summary>The import's columns Leadgate has no field for, kept under their column names; null when there are none.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>How likely the lead is to convert by the organisation's active model, with its reasons; null when no model is active.</summary>
    public Prediction.LeadLikelihoodView? Likelihood { get; init; }

    /// <summary>The outreach agency that handed the lead over (its latest hand-over), with where the data came from; null for the organisation's own leads.</summary>
    public Agency.AgencySourceView? Agency { get; init; }
}

/// <summary>The response clock of a handover. <c>TimeToFirstTouch</c> is wall time from handover to the first outbound touch.</summary>
public sealed record HandoverView(
    DateTimeOffset StartedAt,
    DateTimeOffset? AssignedAt,
    Guid? OwnerId,
    string? Team,
    string? Route,
    DateTimeOffset? SlaDueAt,
    DateTimeOffset? FirstTouchAt,
    bool Breached,
    DateTimeOffset? BreachedAt,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset? EndedAt)
{
    public TimeSpan? TimeToFirstTouch => FirstTouchAt - StartedAt;
}

public sealed record AssignmentView(Guid Id, Guid? FromUserId, Guid? ToUserId, string? ToName, string Reason, string ActorName, DateTimeOffset At);

/// <summary>A row of the leads list.</summary>
public sealed record LeadSummary(
    Guid Id,
    string Email,
    string? FirstName,
    string? LastName,
    string? CompanyName,
    Stage Stage,
    Stage HighestStage,
    WorkStatus WorkStatus,
    Guid? OwnerId,
    string? OwnerName,
    string? Source,
    string? Campaign,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>Fit as last computed (on the lead's last event or change).</summary>
    public decimal? FitScore { get; init; }

    /// <summary>Engagement as last computed; decay since then is not in it.</summary>
    public decimal EngagementScore { get; init; }

    /// <inheritdoc cref="LeadDetails.SourceStage"/>
    public string? SourceStage { get; init; }

    /// <inheritdoc cref="LeadDetails.SourceCreatedAt"/>
    public DateTimeOffset? SourceCreatedAt { get; init; }

    /// <summary>The likelihood stored for the list by the active model; null when there is none (the page's <c>likelihoodStatus</c> says why).</summary>
    public Prediction.LikelihoodSummary? Likelihood { get; init; }

    /// <summary>The stored probability the query reads; shown as <see cref="Likelihood"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal double? Probability { get; init; }
}
