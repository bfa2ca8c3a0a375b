using System.Text.Json;

namespace Leadgate.Intake.Outreach;

/// <summary>
/// Woodpecker (developers.woodpecker.co, "Webhooks"): a JSON array of up to 100 events of one kind, each with
/// <c>method</c> (<c>prospect_replied</c>, <c>prospect_interested</c>, …), <c>prospect</c> (<c>email</c>,
/// <c>first_name</c>, <c>last_name</c>, <c>company</c>, <c>title</c>, <c>campaign_name</c>) and <c>timestamp</c>.
/// Woodpecker documents no signature and no event id: the token in the URL proves it, a digest of the event tells a retry.
/// </summary>
public sealed class WoodpeckerAdapter : ToolAdapter
{
    private static readonly Dictionary<string, OutreachSignalKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["prospect_replied"] = OutreachSignalKind.Reply,
        ["prospect_interested"] = OutreachSignalKind.Interested,
        ["prospect_not_interested"] = OutreachSignalKind.NotInterested,
        ["prospect_blacklisted"] = OutreachSignalKind.Unsubscribed,
        ["prospect_bounced"] = OutreachSignalKind.Bounced,
    };

    public override OutreachTool Tool => OutreachTool.Woodpecker;

    public override string PathName => "woodpecker";

    public override ToolEvent Read(JsonElement item)
    {
        var method = ToolJson.Text(item, "method") ?? "";
        return new ToolEvent
        {
            Event = method,
            Kind = Kinds.TryGetValue(method, out var kind) ? kind : null,
            Email = ToolJson.Text(item, "prospect.email"),
            FirstName = ToolJson.Text(item, "prospect.first_name"),
            LastName = ToolJson.Text(item, "prospect.last_name"),
            JobTitle = ToolJson.Text(item, "prospect.title"),
            Company = ToolJson.Text(item, "prospect.company"),
            Campaign = ToolJson.Text(item, "prospect.campaign_name"),
            OccurredAt = ToolJson.Time(item, "timestamp"),
        };
    }
}
