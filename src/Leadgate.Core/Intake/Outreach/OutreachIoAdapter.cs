using System.Text.Json;

namespace Leadgate.Intake.Outreach;

/// <summary>
/// Outreach (developers.outreach.io, webhooks): a JSON:API document per POST, <c>data</c> {<c>type</c> "mailing",
/// <c>id</c>, <c>attributes</c>, <c>relationships</c>} and <c>meta</c> {<c>eventName</c> "mailing.replied",
/// <c>deliveredAt</c>}, signed with <c>Outreach-Webhook-Signature</c>: the hex HMAC-SHA256 of the raw body with the
/// webhook's secret. A mailing names its prospect by id; the address is read from an included prospect
/// (<c>included[].attributes.emails</c>) or the mailing's <c>recipients</c>.
/// </summary>
public sealed class OutreachIoAdapter : ToolAdapter
{
    public override OutreachTool Tool => OutreachTool.Outreach;

    public override string PathName => "outreach";

    public override string? SignatureHeader => "Outreach-Webhook-Signature";

    public override ToolEvent Read(JsonElement item)
    {
        var name = ToolJson.Text(item, "meta.eventName") ?? "";
        OutreachSignalKind? kind = name.ToLowerInvariant() switch
        {
            "mailing.replied" => OutreachSignalKind.Reply,
            "mailing.bounced" => OutreachSignalKind.Bounced,
            _ => null,
        };
        var id = ToolJson.Text(item, "data.id");
        var prospect = IncludedProspect(item);
        return new ToolEvent
        {
            Event = name,
            Kind = kind,
            DeliveryId = id is null ? null : $"{name}:{id}",
            Email = prospect is { } p ? FirstEmail(p) : Recipient(item),
            FirstName = prospect is { } f ? ToolJson.Text(f, "attributes.firstName") : null,
            LastName = prospect is { } l ? ToolJson.Text(l, "attributes.lastName") : null,
            JobTitle = prospect is { } t ? ToolJson.Text(t, "attributes.title") : null,
            Company = prospect is { } c ? ToolJson.Text(c, "attributes.company") : null,
            OccurredAt = ToolJson.Time(item, "data.attributes.repliedAt", "data.attributes.bouncedAt"),
            SentAt = ToolJson.Time(item, "meta.deliveredAt"),
        };
    }

    private static JsonElement? IncludedProspect(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("included", out var included) || included.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var resource in included.EnumerateArray())
        {
            if (ToolJson.Text(resource, "type") == "prospect")
            {
                return resource;
            }
        }

        return null;
    }

    private static string? FirstEmail(JsonElement prospect) =>
        prospect.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object
        && attributes.TryGetProperty("emails", out var emails) && emails.ValueKind == JsonValueKind.Array
        && emails.GetArrayLength() > 0 && emails[0].ValueKind == JsonValueKind.String
            ? Common.JsonText.StringOf(emails[0])
            : ToolJson.Text(prospect, "attributes.email");

    private static string? Recipient(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Object
            || !attributes.TryGetProperty("recipients", out var recipients) || recipients.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return recipients.EnumerateArray()
            .Select(r => r.ValueKind == JsonValueKind.String ? Common.JsonText.StringOf(r) : ToolJson.First(r, "email", "address"))
            .FirstOrDefault(e => e is not null);
    }
}
