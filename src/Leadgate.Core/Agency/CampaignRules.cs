using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

/// <summary>
/// An agency's campaign hand-over rule: every reply of the campaign (its exact name, case-insensitive) is handed to the
/// client of the link, with the note. The agency's rules are kept in its routing document, so they need no table.
/// </summary>
public sealed record CampaignRule
{
    public const int MaxRules = 200;
    public const int MaxCampaignLength = 200;

    public string? Campaign { get; init; }

    /// <summary>The agency's active link to the client the campaign works for.</summary>
    public Guid? LinkId { get; init; }

    /// <summary>A note for the client's sales, handed over with every reply.</summary>
    public string? Note { get; init; }
}

/// <summary>A campaign rule as the agency reads it: the client's name and the link's status (a rule on an ended link hands nothing over).</summary>
public sealed record CampaignRuleWithClient(string Campaign, Guid LinkId, string Client, AgencyLinkStatus LinkStatus, string? Note);

public sealed record CampaignRules(IReadOnlyList<CampaignRuleWithClient> Rules);

public sealed record ChangeCampaignRulesRequest
{
    /// <summary>The whole list: rules left out are removed.</summary>
    public IReadOnlyList<CampaignRule?>? Rules { get; init; }
}

/// <summary>The agency's campaign rules, for its admins and managers (the queue reads them through <see cref="RulesOfAsync"/>).</summary>
public sealed class GetCampaignRules(LeadgateDbContext db)
{
    public static bool MayRead(Actor actor) => actor.IsIn(Roles.Admin) || actor.IsIn(Roles.Manager);

    public async Task<Result<CampaignRules>> HandleAsync(Actor actor, CancellationToken cancellationToken) =>
        MayRead(actor)
            ? new CampaignRules(await RulesOfAsync(actor.OrganisationId, cancellationToken))
            : new Forbidden("Only an admin or a manager of the agency reads its campaign rules.");

    /// <summary>The organisation's rules with their clients, in the order they were saved.</summary>
    public async Task<IReadOnlyList<CampaignRuleWithClient>> RulesOfAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        var (routing, _) = await db.HandoverSettingsOfAsync(organisationId, cancellationToken);
        if (routing.AgencyCampaigns.Count == 0)
        {
            return [];
        }

        var links = await db.AgencyLinks.AsNoTracking()
            .Where(l => l.AgencyOrganisationId == organisationId)
            .Select(l => new { l.Id, l.Status, Client = db.Organisations.Where(o => o.Id == l.ClientOrganisationId).Select(o => o.Name).First() })
            .ToDictionaryAsync(l => l.Id, cancellationToken);
        return [.. routing.AgencyCampaigns
            .Where(r => r.LinkId is { } id && links.ContainsKey(id))
            .Select(r =>
            {
                var link = links[r.LinkId!.Value];
                return new CampaignRuleWithClient(r.Campaign!, link.Id, link.Client, link.Status, r.Note);
            })];
    }
}

/// <summary>
/// An agency's admin or manager replaces its campaign rules. Each names a campaign once (case-insensitive) and one of the
/// agency's active links; the sweep (<see cref="HandOverByCampaign"/>) then hands every waiting reply of the campaign over,
/// including replies that were waiting before the rule was made.
/// </summary>
public sealed class ChangeCampaignRules(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<CampaignRules>> HandleAsync(ChangeCampaignRulesRequest? request, Actor actor, CancellationToken cancellationToken)
    {
        if (!GetCampaignRules.MayRead(actor))
        {
            return new Forbidden("Only an admin or a manager of the agency changes its campaign rules.");
        }

        if (request?.Rules is not { } rules)
        {
            return Invalid.Field("rules", "Send the whole list of campaign rules (an empty list removes them all).");
        }

        if (rules.Count > CampaignRule.MaxRules)
        {
            return Invalid.Field("rules", $"At most {CampaignRule.MaxRules} campaign rules.");
        }

        var active = await ActiveLinksAsync(db, actor.OrganisationId, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var campaigns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var cleaned = new List<CampaignRule>();
        for (var i = 0; i < rules.Count; i++)
        {
            var at = $"rules[{i}]";
            if (rules[i] is not { } rule)
            {
                errors[at] = ["A rule is required."];
                continue;
            }

            var campaign = rule.Campaign?.Trim() ?? "";
            if (campaign.Length is 0 or > CampaignRule.MaxCampaignLength)
            {
                errors[$"{at}.campaign"] = [$"The campaign's name, 1 to {CampaignRule.MaxCampaignLength} characters."];
            }
            else if (!campaigns.Add(campaign))
            {
                errors[$"{at}.campaign"] = [$"The campaign '{campaign}' has a rule already: one client per campaign."];
            }

            if (rule.LinkId is not { } linkId || !active.Contains(linkId))
            {
                errors[$"{at}.linkId"] = ["One of the agency's active links (a client that accepted)."];
            }

            var note = string.IsNullOrWhiteSpace(rule.Note) ? null : rule.Note.Trim();
            if (note?.Length > AgencyHandover.MaxNoteLength)
            {
                errors[$"{at}.note"] = [$"At most {AgencyHandover.MaxNoteLength} characters."];
            }

            cleaned.Add(new CampaignRule { Campaign = campaign, LinkId = rule.LinkId, Note = note });
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var settings = await db.HandoverSettingsForChangeAsync(actor.OrganisationId, cancellationToken);
        settings.Change(settings.ReadRouting() with { AgencyCampaigns = cleaned }, actor.Name, now);
        db.AuditEntries.Add(Privacy.AuditEntry.SettingsChanged(actor, "agency_campaign_rules", now));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : new CampaignRules(await new GetCampaignRules(db).RulesOfAsync(actor.OrganisationId, cancellationToken));
    }

    /// <summary>The agency's links a rule may name: those its clients accepted and neither side ended.</summary>
    internal static async Task<HashSet<Guid>> ActiveLinksAsync(LeadgateDbContext db, Guid agency, CancellationToken cancellationToken) =>
        (await db.AgencyLinks.AsNoTracking()
            .Where(l => l.AgencyOrganisationId == agency && l.Status == AgencyLinkStatus.Active)
            .Select(l => l.Id)
            .ToListAsync(cancellationToken))
        .ToHashSet();
}
