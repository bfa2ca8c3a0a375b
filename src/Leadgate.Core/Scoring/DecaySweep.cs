namespace Leadgate.Scoring;

/// <summary>
/// The periodic refresh of an organisation's stored scores for decay: one row per organisation. A sweep is due when the
/// last one finished longer ago than the interval (or never ran); one instance claims it with a lease it renews after
/// every chunk, so several instances never sweep the same organisation at once and a stopped one is taken over.
/// </summary>
public sealed class DecaySweep
{
    private DecaySweep()
    {
    }

    public Guid OrganisationId { get; private set; }

    /// <summary>When the sweep under way started; null between sweeps.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When the last sweep finished; null until the first one has.</summary>
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Where the sweep under way continues (leads by creation time, then id): the last lead's creation time.</summary>
    public DateTimeOffset? AfterCreatedAt { get; private set; }

    /// <summary>Where the sweep under way continues: the last lead's id.</summary>
    public Guid? AfterLeadId { get; private set; }

    /// <summary>Leads the sweep under way (or the last one) went through.</summary>
    public int Done { get; private set; }

    /// <summary>Of those, the leads whose stored scores it changed.</summary>
    public int Changed { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    internal static DecaySweep For(Guid organisationId) => new() { OrganisationId = organisationId };
}
