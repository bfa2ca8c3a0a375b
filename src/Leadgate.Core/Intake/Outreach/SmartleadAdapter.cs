using System.Text.Json;

namespace Leadgate.Intake.Outreach;

/// <summary>
/// Smartlead (help.smartlead.ai, "Webhook Guide"): one flat object per POST with <c>event_type</c> (<c>EMAIL_REPLY</c>,
/// <c>LEAD_CATEGORY_UPDATED</c>, <c>EMAIL_BOUNCE</c>, <c>LEAD_UNSUBSCRIBED</c>, …) and the webhook's <c>secret_key</c>.
/// A reply names the lead in <c>sl_lead_email</c>/<c>to_email</c> and <c>to_name</c>; a category change in
/// <c>lead_data</c>, with the new category in <c>lead_category.new_name</c>.
/// </summary>
public sealed class SmartleadAdapter : ToolAdapter
{
    private static readonly Dictionary<string, OutreachSignalKind> Categories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Interested"] = OutreachSignalKind.Interested,
        ["Meeting Request"] = OutreachSignalKind.Interested,
        ["Information Request"] = OutreachSignalKind.Interested,
        ["Not Interested"] = OutreachSignalKind.NotInterested,
        ["Do Not Contact"] = OutreachSignalKind.NotInterested,
        ["Wrong Person"] = OutreachSignalKind.NotInterested,
    };

    public override OutreachTool Tool => OutreachTool.Smartlead;

    public override string PathName => "smartlead";

    public override ToolEvent Read(JsonElement item)
    {
        var type = ToolJson.Text(item, "event_type") ?? "";
        OutreachSignalKind? kind = type.ToUpperInvariant() switch
        {
            "EMAIL_REPLY" => OutreachSignalKind.Reply,
            "LEAD_CATEGORY_UPDATED" => ToolJson.First(item, "lead_category.new_name", "category") is { } category && Categories.TryGetValue(category, out var mapped) ? mapped : null,
            "EMAIL_BOUNCE" => OutreachSignalKind.Bounced,
            "LEAD_UNSUBSCRIBED" => OutreachSignalKind.Unsubscribed,
            _ => null,
        };
        var (first, last) = ToolJson.SplitName(ToolJson.First(item, "to_name", "lead_name"));
        return new ToolEvent
        {
            Event = type,
            Kind = kind,
            DeliveryId = type.Equals("EMAIL_REPLY", StringComparison.OrdinalIgnoreCase) ? ToolJson.First(item, "reply_message.message_id", "message_id") : null,
            Email = ToolJson.First(item, "sl_lead_email", "lead_data.email", "to_email", "lead_email"),
            FirstName = ToolJson.Text(item, "lead_data.first_name") ?? first,
            LastName = ToolJson.Text(item, "lead_data.last_name") ?? last,
            Company = ToolJson.Text(item, "lead_data.company_name"),
            Campaign = ToolJson.Text(item, "campaign_name"),
            OccurredAt = ToolJson.Time(item, "event_timestamp", "time_replied"),
            Secret = ToolJson.Text(item, "secret_key"),
        };
    }
}
