using System.Text.Json;

namespace Leadgate.Intake.Outreach;

/// <summary>
/// lemlist (developer.lemlist.com, "Add Webhook"): one activity object per POST with <c>type</c> (<c>emailsReplied</c>,
/// <c>interested</c>, <c>notInterested</c>, …), <c>_id</c>, <c>leadEmail</c>, <c>leadFirstName</c>, <c>leadLastName</c>,
/// <c>campaignName</c>, <c>createdAt</c>, and the webhook's optional <c>secret</c> echoed in the body.
/// </summary>
public sealed class LemlistAdapter : ToolAdapter
{
    private static readonly Dictionary<string, OutreachSignalKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["emailsReplied"] = OutreachSignalKind.Reply,
        ["linkedinReplied"] = OutreachSignalKind.Reply,
        ["warmed"] = OutreachSignalKind.Reply,
        ["interested"] = OutreachSignalKind.Interested,
        ["emailsInterested"] = OutreachSignalKind.Interested,
        ["linkedinInterested"] = OutreachSignalKind.Interested,
        ["notInterested"] = OutreachSignalKind.NotInterested,
        ["emailsNotInterested"] = OutreachSignalKind.NotInterested,
        ["linkedinNotInterested"] = OutreachSignalKind.NotInterested,
        ["emailsUnsubscribed"] = OutreachSignalKind.Unsubscribed,
        ["emailsBounced"] = OutreachSignalKind.Bounced,
    };

    public override OutreachTool Tool => OutreachTool.Lemlist;

    public override string PathName => "lemlist";

    public override ToolEvent Read(JsonElement item)
    {
        var type = ToolJson.Text(item, "type") ?? "";
        return new ToolEvent
        {
            Event = type,
            Kind = Kinds.TryGetValue(type, out var kind) ? kind : null,
            DeliveryId = ToolJson.Text(item, "_id"),
            Email = ToolJson.First(item, "leadEmail", "email"),
            FirstName = ToolJson.First(item, "leadFirstName", "firstName"),
            LastName = ToolJson.First(item, "leadLastName", "lastName"),
            JobTitle = ToolJson.First(item, "leadJobTitle", "jobTitle"),
            Company = ToolJson.First(item, "leadCompanyName", "companyName"),
            Campaign = ToolJson.Text(item, "campaignName"),
            OccurredAt = ToolJson.Time(item, "createdAt"),
            Secret = ToolJson.Text(item, "secret"),
        };
    }
}
