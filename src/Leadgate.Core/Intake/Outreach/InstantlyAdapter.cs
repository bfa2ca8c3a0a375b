using System.Text.Json;

namespace Leadgate.Intake.Outreach;

/// <summary>
/// Instantly (developer.instantly.ai, "Webhook events"): one object per POST with <c>event_type</c>
/// (<c>reply_received</c>, <c>lead_interested</c>, <c>lead_not_interested</c>, …), <c>timestamp</c>, <c>campaign_name</c>,
/// <c>lead_email</c>, and the lead's own fields merged in as extra keys (<c>firstName</c>, <c>lastName</c>,
/// <c>companyName</c>). Nothing is signed and there is no event id: the token in the URL (or a custom header set on the
/// subscription) proves it, and a digest of the event tells a retry.
/// </summary>
public sealed class InstantlyAdapter : ToolAdapter
{
    private static readonly Dictionary<string, OutreachSignalKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["reply_received"] = OutreachSignalKind.Reply,
        ["lead_interested"] = OutreachSignalKind.Interested,
        ["lead_meeting_booked"] = OutreachSignalKind.Interested,
        ["lead_not_interested"] = OutreachSignalKind.NotInterested,
        ["lead_wrong_person"] = OutreachSignalKind.NotInterested,
        ["lead_unsubscribed"] = OutreachSignalKind.Unsubscribed,
        ["email_bounced"] = OutreachSignalKind.Bounced,
    };

    public override OutreachTool Tool => OutreachTool.Instantly;

    public override string PathName => "instantly";

    public override ToolEvent Read(JsonElement item)
    {
        var type = ToolJson.Text(item, "event_type") ?? "";
        return new ToolEvent
        {
            Event = type,
            Kind = Kinds.TryGetValue(type, out var kind) ? kind : null,
            Email = ToolJson.First(item, "lead_email", "email"),
            FirstName = ToolJson.First(item, "firstName", "first_name"),
            LastName = ToolJson.First(item, "lastName", "last_name"),
            JobTitle = ToolJson.First(item, "jobTitle", "job_title"),
            Company = ToolJson.First(item, "companyName", "company_name"),
            Campaign = ToolJson.Text(item, "campaign_name"),
            OccurredAt = ToolJson.Time(item, "timestamp"),
        };
    }
}
