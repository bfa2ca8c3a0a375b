namespace Leadgate.Intake.Outreach;

/// <summary>
/// The outreach tool a webhook source receives from: <see cref="Generic"/> is Leadgate's own signed format
/// (<c>/hooks/outreach/{key}</c>, docs/intake.md); every other one has an adapter that reads that tool's own payloads at
/// <c>/hooks/{tool}/{key}</c>. Stored as a string on the source.
/// </summary>
public enum OutreachTool
{
    Generic,
    Lemlist,
    Instantly,
    Smartlead,
    Woodpecker,
    ReplyIo,
    Outreach,
}

/// <summary>What an outreach event means for the funnel. Only <see cref="Reply"/> and <see cref="Interested"/> raise a hand.</summary>
public enum OutreachSignalKind
{
    Reply,
    Interested,
    NotInterested,
    Unsubscribed,
    Bounced,
}

/// <summary>
/// One event as a tool sent it, read into Leadgate's terms by the tool's adapter. <see cref="Kind"/> is null for an event
/// that does not matter to the funnel (sent, opened, …). <see cref="DeliveryId"/> is the tool's own event id when it sends
/// one; otherwise the receiver uses a digest of the raw event. <see cref="Secret"/> is a secret the tool echoes in the
/// body; <see cref="SentAt"/> the delivery time where the tool signs one.
/// </summary>
public sealed record ToolEvent
{
    public required string Event { get; init; }

    public OutreachSignalKind? Kind { get; init; }

    public string? DeliveryId { get; init; }

    public string? Email { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? JobTitle { get; init; }

    public string? Company { get; init; }

    public string? Campaign { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }

    public string? Secret { get; init; }

    public DateTimeOffset? SentAt { get; init; }
}

/// <summary>
/// Reads one tool's webhook payloads. How a request proves itself is the tool's: an HMAC header over the raw body
/// (<see cref="SignatureHeader"/>), a secret echoed in the body (read into <see cref="ToolEvent.Secret"/>), or, for tools
/// that send nothing, the secret token in the URL or the <c>X-Leadgate-Token</c> header the tool lets one set.
/// </summary>
public abstract class ToolAdapter
{
    public abstract OutreachTool Tool { get; }

    /// <summary>The tool's segment in <c>/hooks/{tool}/{key}</c>.</summary>
    public abstract string PathName { get; }

    /// <summary>The header with a hex HMAC-SHA256 of the raw body, for a tool that signs; null when it does not.</summary>
    public virtual string? SignatureHeader => null;

    /// <summary>Reads one event object; never throws on any JSON.</summary>
    public abstract ToolEvent Read(System.Text.Json.JsonElement item);

    public static IReadOnlyList<ToolAdapter> All { get; } =
        [new LemlistAdapter(), new InstantlyAdapter(), new SmartleadAdapter(), new WoodpeckerAdapter(), new ReplyIoAdapter(), new OutreachIoAdapter()];

    public static ToolAdapter? For(OutreachTool tool) => All.FirstOrDefault(a => a.Tool == tool);

    public static ToolAdapter? ForPath(string name) => All.FirstOrDefault(a => string.Equals(a.PathName, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The path a source of <paramref name="tool"/> receives at.</summary>
    public static string PathOf(OutreachTool tool, string key) => $"/hooks/{For(tool)?.PathName ?? "outreach"}/{key}";
}
