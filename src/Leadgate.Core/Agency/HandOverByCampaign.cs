using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Handover;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

/// <summary>
/// What one round of the campaign rules did: replies handed over (delivered or already known; a reply another instance
/// handed over at the same moment counts in both rounds) and replies it could not hand over.
/// </summary>
public sealed record CampaignRound(int Delivered, int AlreadyKnown, int Refused);

/// <summary>
/// The campaign rules' sweep, run by every app instance in the background: every reply waiting in an agency's queue
/// (<see cref="ListWaitingReplies"/>) whose campaign has a rule on an active link is handed over with
/// <see cref="HandOverLead"/>, by the rule (<c>Rule: campaign name</c>). Instances may sweep at the same moment: the
/// unique index on (link, agency lead) lets one hand-over of a lead over a link be saved, and the other instance's
/// <see cref="HandOverLead"/> then finds it and answers with it, so no lead is handed over twice.
/// </summary>
public sealed class HandOverByCampaign(LeadgateDbContext db, HandOverLead handOver)
{
    /// <summary>At most this many replies per agency and round; the next round takes the rest.</summary>
    public const int Batch = 200;

    public async Task<CampaignRound> RunAsync(CancellationToken cancellationToken)
    {
        var (delivered, alreadyKnown, refused) = (0, 0, 0);
        var agencies = await db.AgencyLinks.AsNoTracking()
            .Where(l => l.Status == AgencyLinkStatus.Active)
            .Select(l => l.AgencyOrganisationId)
            .Distinct()
            .ToListAsync(cancellationToken);
        foreach (var agency in agencies)
        {
            foreach (var (leadId, rule) in await WaitingOfMappedCampaignsAsync(agency, cancellationToken))
            {
                var actor = Actor.ForRule(agency, Truncate($"Rule: campaign {rule.Campaign}", 200));
                var handed = await handOver.HandleAsync(leadId, new HandOverLeadRequest { LinkId = rule.LinkId, Note = rule.Note }, actor, cancellationToken);
                db.ChangeTracker.Clear();
                if (handed.IsSuccess && handed.Value.Status == HandoverStatus.Delivered)
                {
                    delivered++;
                }
                else if (handed.IsSuccess)
                {
                    alreadyKnown++;
                }
                else
                {
                    refused++;
                }
            }
        }

        return new CampaignRound(delivered, alreadyKnown, refused);
    }

    /// <summary>
    /// The agency's waiting replies whose campaign has a rule on an active link, oldest reply first. Campaign names are
    /// matched case-insensitively here (the same in both databases), then the leads are read by their exact names.
    /// </summary>
    private async Task<IReadOnlyList<(Guid LeadId, CampaignRule Rule)>> WaitingOfMappedCampaignsAsync(Guid agency, CancellationToken cancellationToken)
    {
        var (routing, _) = await db.HandoverSettingsOfAsync(agency, cancellationToken);
        if (routing.AgencyCampaigns.Count == 0)
        {
            return [];
        }

        var active = await ChangeCampaignRules.ActiveLinksAsync(db, agency, cancellationToken);
        var rules = routing.AgencyCampaigns
            .Where(r => r.Campaign is not null && r.LinkId is { } link && active.Contains(link))
            .ToDictionary(r => r.Campaign!, StringComparer.OrdinalIgnoreCase);
        if (rules.Count == 0)
        {
            return [];
        }

        var waiting = ListWaitingReplies.WaitingIn(db, agency).Where(l => l.Campaign != null);
        string[] campaigns = [.. (await waiting.Select(l => l.Campaign!).Distinct().ToListAsync(cancellationToken)).Where(rules.ContainsKey)];
        var leads = await waiting
            .Where(l => EF.Parameter(campaigns).Contains(l.Campaign!))
            .OrderBy(l => l.StageChangedAt).ThenBy(l => l.Id)
            .Take(Batch)
            .Select(l => new { l.Id, l.Campaign })
            .ToListAsync(cancellationToken);
        return [.. leads.Select(l => (l.Id, rules[l.Campaign!]))];
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
