using Leadgate.Common;

namespace Leadgate.Agency;

/// <summary>Where a link stands: invited by the agency, accepted by the client's admin, or ended by either side.</summary>
public enum AgencyLinkStatus
{
    Pending,
    Active,
    Ended,
}

/// <summary>
/// What the client lets the agency see of the leads it handed over, each level including the one before: the stage only;
/// plus rejection, disqualification and lost reason codes; plus deal value and won amount.
/// </summary>
public enum AgencyShares
{
    Stage,
    Reasons,
    Revenue,
}

/// <summary>Where a handed-over lead goes in the client's organisation.</summary>
public enum AgencyRouting
{
    /// <summary>The client's own routing rules, as for any MQL.</summary>
    Rules,

    /// <summary>Round robin in one of the client's teams.</summary>
    Team,

    /// <summary>The client's shared queue, for a rep to claim.</summary>
    SharedQueue,
}

/// <summary>
/// An agency organisation working for a client organisation. The agency invites, the client's admin accepts and decides
/// what the agency sees back and where handed-over leads go; either side ends it. Ending keeps the row (and everything
/// handed over stays with the client): the history of the relationship is kept.
/// </summary>
public sealed class AgencyLink
{
    public const int MaxTeamLength = 100;

    private AgencyLink()
    {
        InvitedBy = null!;
    }

    public Guid Id { get; private set; }

    public Guid AgencyOrganisationId { get; private set; }

    public Guid ClientOrganisationId { get; private set; }

    public AgencyLinkStatus Status { get; private set; }

    public AgencyShares Shares { get; private set; }

    public AgencyRouting Routing { get; private set; }

    /// <summary>The client's team handed-over leads go to, when <see cref="Routing"/> is <see cref="AgencyRouting.Team"/>.</summary>
    public string? RoutingTeam { get; private set; }

    /// <summary>The response clock for handed-over leads in working hours; the client's own SLA when null.</summary>
    public decimal? ResponseHours { get; private set; }

    public DateTimeOffset InvitedAt { get; private set; }

    public string InvitedBy { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public string? AcceptedBy { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public string? EndedBy { get; private set; }

    internal static AgencyLink Invite(Guid agencyOrganisationId, Guid clientOrganisationId, string by, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        AgencyOrganisationId = agencyOrganisationId,
        ClientOrganisationId = clientOrganisationId,
        Status = AgencyLinkStatus.Pending,
        Shares = AgencyShares.Stage,
        Routing = AgencyRouting.Rules,
        InvitedAt = at,
        InvitedBy = by,
    };

    /// <summary>The client's admin accepts (or, on an active link, changes its terms).</summary>
    internal Result<Done> Accept(AgencyShares shares, AgencyRouting routing, string? team, decimal? responseHours, string by, DateTimeOffset at)
    {
        if (Status == AgencyLinkStatus.Ended)
        {
            return new Conflict("link-ended", "The link was ended; the agency must invite again.");
        }

        Shares = shares;
        Routing = routing;
        RoutingTeam = routing == AgencyRouting.Team ? team : null;
        ResponseHours = responseHours;
        if (Status == AgencyLinkStatus.Pending)
        {
            Status = AgencyLinkStatus.Active;
            AcceptedAt = at;
            AcceptedBy = by;
        }

        return Done.Value;
    }

    internal void End(string by, DateTimeOffset at)
    {
        if (Status == AgencyLinkStatus.Ended)
        {
            return;
        }

        Status = AgencyLinkStatus.Ended;
        EndedAt = at;
        EndedBy = by;
    }

    /// <summary>Whether the agency sees this much of its handed-over leads.</summary>
    public bool SharesAtLeast(AgencyShares level) => Shares >= level;
}

/// <summary>What became of one hand-over at the client: the lead was made (or moved) there, or the client already had the person.</summary>
public enum HandoverStatus
{
    Delivered,
    AlreadyKnown,
}

/// <summary>
/// One lead an agency handed to a client: the record both sides keep. The agency reads the client lead's progress only
/// through it (<see cref="ListHandovers"/>), and only as far as the link shares; for an already-known person nothing.
/// </summary>
public sealed class AgencyHandover
{
    public const int MaxNoteLength = 2_000;
    public const int MaxOriginLength = 500;

    private AgencyHandover()
    {
        AgencyName = null!;
        HandedOverBy = null!;
        DataOrigin = null!;
    }

    public Guid Id { get; private set; }

    public Guid LinkId { get; private set; }

    public Guid AgencyOrganisationId { get; private set; }

    public Guid ClientOrganisationId { get; private set; }

    /// <summary>The lead in the agency's organisation.</summary>
    public Guid AgencyLeadId { get; private set; }

    /// <summary>The lead in the client's organisation (made, or the one the client had); never shown to the agency.</summary>
    public Guid? ClientLeadId { get; private set; }

    /// <summary>The response clock the hand-over started at the client; null when the lead did not become an MQL there.</summary>
    public Guid? ClientHandoverId { get; private set; }

    public HandoverStatus Status { get; private set; }

    /// <summary>The agency's name when it handed over, as the client's lead shows it.</summary>
    public string AgencyName { get; private set; }

    public string? Campaign { get; private set; }

    public string? Note { get; private set; }

    /// <summary>Where the person's data came from (GDPR Art. 14): the agency, its source and lawful basis.</summary>
    public string DataOrigin { get; private set; }

    public DateTimeOffset HandedOverAt { get; private set; }

    public string HandedOverBy { get; private set; }

    public Guid? HandedOverByUserId { get; private set; }

    internal static AgencyHandover Record(
        AgencyLink link, Guid agencyLeadId, Guid? clientLeadId, Guid? clientHandoverId, HandoverStatus status, string agencyName,
        string? campaign, string? note, string dataOrigin, Accounts.Actor by, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        LinkId = link.Id,
        AgencyOrganisationId = link.AgencyOrganisationId,
        ClientOrganisationId = link.ClientOrganisationId,
        AgencyLeadId = agencyLeadId,
        ClientLeadId = clientLeadId,
        ClientHandoverId = clientHandoverId,
        Status = status,
        AgencyName = agencyName,
        Campaign = campaign,
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
        DataOrigin = dataOrigin.Length > MaxOriginLength ? dataOrigin[..MaxOriginLength] : dataOrigin,
        HandedOverAt = at,
        HandedOverBy = by.Name,
        HandedOverByUserId = by.UserId,
    };
}
