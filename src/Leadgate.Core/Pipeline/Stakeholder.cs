using Leadgate.Common;

namespace Leadgate.Pipeline;

/// <summary>A contact of the buyer who plays a role in the deal.</summary>
public sealed class Stakeholder
{
    private Stakeholder()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid DealId { get; private set; }

    public Guid ContactId { get; private set; }

    public StakeholderRole Role { get; private set; }

    public DateTimeOffset AddedAt { get; private set; }

    internal static Stakeholder Create(Deal deal, Guid contactId, StakeholderRole role, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = deal.OrganisationId,
        DealId = deal.Id,
        ContactId = contactId,
        Role = role,
        AddedAt = at,
    };
}

/// <summary>
/// One append-only row of a deal's history: the deal's stage, value, close date, probability and forecast category as
/// they were after a change, with who and when (what an opportunity history keeps; the forecast's back-test reads it).
/// </summary>
public sealed class DealChange
{
    private DealChange()
    {
        Currency = null!;
        ActorName = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid DealId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public Guid? ActorUserId { get; private set; }

    public string ActorName { get; private set; }

    public Guid? StageId { get; private set; }

    public DealStatus Status { get; private set; }

    public decimal Value { get; private set; }

    public string Currency { get; private set; }

    public DateOnly ExpectedCloseDate { get; private set; }

    public int Probability { get; private set; }

    public ProbabilitySource ProbabilitySource { get; private set; }

    public ForecastCategory ForecastCategory { get; private set; }

    internal static DealChange Of(Deal deal, Accounts.Actor by, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = deal.OrganisationId,
        DealId = deal.Id,
        At = at,
        ActorUserId = by.UserId,
        ActorName = by.Name,
        StageId = deal.StageId,
        Status = deal.Status,
        Value = deal.Value,
        Currency = deal.Currency,
        ExpectedCloseDate = deal.ExpectedCloseDate,
        Probability = deal.Probability,
        ProbabilitySource = deal.ProbabilitySource,
        ForecastCategory = deal.ForecastCategory,
    };

    internal bool SameAs(DealChange other) =>
        StageId == other.StageId && Status == other.Status && Value == other.Value && Currency == other.Currency
        && ExpectedCloseDate == other.ExpectedCloseDate && Probability == other.Probability
        && ProbabilitySource == other.ProbabilitySource && ForecastCategory == other.ForecastCategory;
}
