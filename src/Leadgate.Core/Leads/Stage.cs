namespace Leadgate.Leads;

/// <summary>The stages of PRODUCT.md §3: the funnel Iql → Mql → Sql → Opportunity → Customer, and two side stages.</summary>
public enum Stage
{
    Iql,
    Mql,
    Sql,
    Opportunity,
    Customer,
    Nurture,
    Disqualified,
}

/// <summary>Where a lead is inside Mql, for the sales inbox.</summary>
public enum WorkStatus
{
    New,
    Attempting,
    Connected,
}

public static class Stages
{
    public static readonly IReadOnlyList<Stage> All = Enum.GetValues<Stage>();

    /// <summary>Position in the funnel; side stages have none, so they never raise the highest stage reached.</summary>
    public static int? FunnelRank(this Stage stage) => stage switch
    {
        Stage.Iql => 0,
        Stage.Mql => 1,
        Stage.Sql => 2,
        Stage.Opportunity => 3,
        Stage.Customer => 4,
        Stage.Nurture => null,
        Stage.Disqualified => null,
    };

    public static Stage Higher(Stage current, Stage reached) =>
        reached.FunnelRank() is { } rank && rank > (current.FunnelRank() ?? -1) ? reached : current;
}
