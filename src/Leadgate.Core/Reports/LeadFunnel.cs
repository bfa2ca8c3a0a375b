using Leadgate.Leads;

namespace Leadgate.Reports;

/// <summary>
/// A lead's place in the funnel as the reports read it (docs/reports.md): its first entry into each funnel stage and its
/// first reach of each (the earliest entry into that stage or a later one), from all its stage events and, for
/// <c>includeImported=false</c>, from those not written by an import. Derived from <see cref="StageEvent"/> rows only, and
/// kept by the database itself (triggers on StageEvents: <see cref="Data.Migrations.LeadFunnelTriggers"/>), so that every way of writing a stage
/// event — the lifecycle, the import, a merge, a raw bulk insert — keeps it true. The reports count these rows instead of
/// aggregating every lead's events per request.
/// </summary>
public sealed class LeadFunnel
{
    private LeadFunnel()
    {
    }

    public Guid LeadId { get; private set; }

    public Guid OrganisationId { get; private set; }

    public DateTimeOffset? IqlEntered { get; private set; }

    public DateTimeOffset? MqlEntered { get; private set; }

    public DateTimeOffset? SqlEntered { get; private set; }

    public DateTimeOffset? OpportunityEntered { get; private set; }

    public DateTimeOffset? CustomerEntered { get; private set; }

    public DateTimeOffset? IqlReached { get; private set; }

    public DateTimeOffset? MqlReached { get; private set; }

    public DateTimeOffset? SqlReached { get; private set; }

    public DateTimeOffset? OpportunityReached { get; private set; }

    public DateTimeOffset? CustomerReached { get; private set; }

    public DateTimeOffset? IqlEnteredUnimported { get; private set; }

    public DateTimeOffset? MqlEnteredUnimported { get; private set; }

    public DateTimeOffset? SqlEnteredUnimported { get; private set; }

    public DateTimeOffset? OpportunityEnteredUnimported { get; private set; }

    public DateTimeOffset? CustomerEnteredUnimported { get; private set; }

    public DateTimeOffset? IqlReachedUnimported { get; private set; }

    public DateTimeOffset? MqlReachedUnimported { get; private set; }

    public DateTimeOffset? SqlReachedUnimported { get; private set; }

    public DateTimeOffset? OpportunityReachedUnimported { get; private set; }

    public DateTimeOffset? CustomerReachedUnimported { get; private set; }

    /// <summary>The column of funnel stage <paramref name="index"/> (in <see cref="GetFunnel.FunnelStages"/> order): its first entry or first reach.</summary>
    public static string Column(int index, bool reached, bool includeImported) =>
        $"{GetFunnel.FunnelStages[index]}{(reached ? "Reached" : "Entered")}{(includeImported ? "" : "Unimported")}";
}
