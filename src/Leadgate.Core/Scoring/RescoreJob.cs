namespace Leadgate.Scoring;

public enum RescoreStatus
{
    /// <summary>Waiting for an app instance to claim it.</summary>
    Pending,

    /// <summary>Claimed by one instance, which holds a lease it renews after every batch.</summary>
    Running,

    Done,
}

/// <summary>
/// The rescoring of an organisation's leads after its scoring model changed: one row per organisation, restarted (a new
/// <see cref="Generation"/>) by every change. Instances claim it atomically and work through the leads in id order, so
/// <see cref="AfterCreatedAt"/> and <see cref="AfterLeadId"/> are where the next batch starts; a lease that runs out lets another instance take over.
/// </summary>
public sealed class RescoreJob
{
    private RescoreJob()
    {
        RequestedBy = null!;
    }

    public Guid OrganisationId { get; private set; }

    /// <summary>Raised by every model change; a worker's batch only counts while the generation it claimed is current.</summary>
    public long Generation { get; private set; }

    public RescoreStatus Status { get; private set; }

    /// <summary>The organisation's leads when the job started (leads created meanwhile are scored as they arrive).</summary>
    public int Total { get; private set; }

    public int Done { get; private set; }

    /// <summary>Leads the rescoring made MQL (by the threshold rule, named as the actor).</summary>
    public int MadeMql { get; private set; }

    /// <summary>With <see cref="AfterLeadId"/>: the last lead the job counted, by creation time then id; null before the first batch.</summary>
    public DateTimeOffset? AfterCreatedAt { get; private set; }

    public Guid? AfterLeadId { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    public string RequestedBy { get; private set; }

    public DateTimeOffset RequestedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    internal static RescoreJob Start(Guid organisationId, int total, string by, DateTimeOffset at)
    {
        var job = new RescoreJob { OrganisationId = organisationId };
        job.Restart(total, by, at);
        return job;
    }

    /// <summary>A new model: start over from the first lead; a worker still busy with the old generation stops at its next batch.</summary>
    internal void Restart(int total, string by, DateTimeOffset at)
    {
        Generation++;
        Status = RescoreStatus.Pending;
        Total = total;
        Done = 0;
        MadeMql = 0;
        AfterCreatedAt = null;
        AfterLeadId = null;
        LeaseOwner = null;
        LeaseUntil = null;
        RequestedBy = by;
        RequestedAt = at;
        FinishedAt = null;
    }
}
