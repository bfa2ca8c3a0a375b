using System.Text.Json;

namespace Leadgate.Intake.Outreach;

/// <summary>
/// Reply.io (docs.reply.io, "Webhook event payloads"): one object per POST with the envelope
/// <c>event</c> {<c>id</c>, <c>type</c>, <c>date</c>} — <c>event.id</c> is unique per delivery — and the prospect in
/// <c>contact_fields</c> (<c>email</c>, <c>first_name</c>, <c>last_name</c>, <c>title</c>, <c>company</c>).
/// <c>email_replied</c> is a reply; <c>reply_categorized</c> carries the category (<c>category</c>) a person or Reply's
/// classifier gave the reply.
/// </summary>
public sealed class ReplyIoAdapter : ToolAdapter
{
    public override OutreachTool Tool => OutreachTool.ReplyIo;

    public override string PathName => "replyio";

    public override ToolEvent Read(JsonElement item)
    {
        var type = ToolJson.Text(item, "event.type") ?? "";
        OutreachSignalKind? kind = type.ToLowerInvariant() switch
        {
            "email_replied" => OutreachSignalKind.Reply,
            "reply_categorized" => Category(ToolJson.First(item, "category", "reply_category", "category_name")),
            "email_bounced" => OutreachSignalKind.Bounced,
            "email_unsubscribed" => OutreachSignalKind.Unsubscribed,
            _ => null,
        };
        return new ToolEvent
        {
            Event = type,
            Kind = kind,
            DeliveryId = ToolJson.Text(item, "event.id"),
            Email = ToolJson.First(item, "contact_fields.email", "contact.email"),
            FirstName = ToolJson.First(item, "contact_fields.first_name", "contact.firstName"),
            LastName = ToolJson.First(item, "contact_fields.last_name", "contact.lastName"),
            JobTitle = ToolJson.First(item, "contact_fields.title", "contact.title"),
            Company = ToolJson.First(item, "contact_fields.company", "contact.company"),
            Campaign = ToolJson.First(item, "sequence_fields.name", "sequence.name"),
            OccurredAt = ToolJson.Time(item, "event.date"),
        };
    }

    /// <summary>Reply writes enum values in PascalCase (<c>NotInterested</c>); spaces and case are ignored.</summary>
    private static OutreachSignalKind? Category(string? category) =>
        new string((category ?? "").Where(char.IsLetter).ToArray()).ToLowerInvariant() switch
        {
            "interested" or "meetingrequest" or "meetingbooked" => OutreachSignalKind.Interested,
            "notinterested" or "donotcontact" or "wrongperson" => OutreachSignalKind.NotInterested,
            _ => null,
        };
}
