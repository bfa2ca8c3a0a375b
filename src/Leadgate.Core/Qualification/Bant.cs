using Leadgate.Leads;

namespace Leadgate.Qualification;

/// <summary>How far a BANT dimension is established (glossary, PRODUCT.md §2).</summary>
public enum BantStatus
{
    Unknown,
    No,
    Partial,
    Confirmed,
}

public sealed record BudgetAssessment(BantStatus Status, string? Note, decimal? Amount);

public sealed record AuthorityAssessment(BantStatus Status, string? Note, string? Name, string? Role);

public sealed record NeedAssessment(BantStatus Status, string? Note);

public sealed record TimelineAssessment(BantStatus Status, string? Note, DateOnly? Date);

/// <summary>The BANT checklist a sales user records after talking to the lead. All four confirmed is a strong SQL.</summary>
public sealed record Bant(BudgetAssessment Budget, AuthorityAssessment Authority, NeedAssessment Need, TimelineAssessment Timeline)
{
    // EF Core materialises nested complex types through their properties, not this record's constructor.
    private Bant()
        : this(null!, null!, null!, null!)
    {
    }

    public static readonly Bant Unassessed = new(
        new BudgetAssessment(BantStatus.Unknown, null, null),
        new AuthorityAssessment(BantStatus.Unknown, null, null, null),
        new NeedAssessment(BantStatus.Unknown, null),
        new TimelineAssessment(BantStatus.Unknown, null, null));

    public int ConfirmedCount =>
        new[] { Budget.Status, Authority.Status, Need.Status, Timeline.Status }.Count(s => s == BantStatus.Confirmed);

    public BantStatus StatusOf(BantDimension dimension) => dimension switch
    {
        BantDimension.Budget => Budget.Status,
        BantDimension.Authority => Authority.Status,
        BantDimension.Need => Need.Status,
        BantDimension.Timeline => Timeline.Status,
    };
}

public enum BantDimension
{
    Budget,
    Authority,
    Need,
    Timeline,
}

/// <summary>
/// The organisation's minimum for SQL: per dimension, nothing, at least Partial, or Confirmed. Default: Need confirmed.
/// </summary>
public sealed record BantMinimum(BantStatus? Budget, BantStatus? Authority, BantStatus? Need, BantStatus? Timeline)
{
    public static readonly BantMinimum Default = new(null, null, BantStatus.Confirmed, null);

    public BantStatus? RequiredFor(BantDimension dimension) => dimension switch
    {
        BantDimension.Budget => Budget,
        BantDimension.Authority => Authority,
        BantDimension.Need => Need,
        BantDimension.Timeline => Timeline,
    };

    public IEnumerable<Requirement> Shortfalls(Bant bant)
    {
        foreach (var dimension in Enum.GetValues<BantDimension>())
        {
            if (RequiredFor(dimension) is { } required && !Meets(bant.StatusOf(dimension), required))
            {
                yield return Requirement.Bant(dimension.ToString().ToLowerInvariant(), required);
            }
        }
    }

    private static bool Meets(BantStatus actual, BantStatus required) => required switch
    {
        BantStatus.Confirmed => actual == BantStatus.Confirmed,
        BantStatus.Partial => actual is BantStatus.Partial or BantStatus.Confirmed,
        BantStatus.No or BantStatus.Unknown => true,
    };
}
