using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Scoring;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Intake.Outreach;

/// <summary>What became of one event of a tool's webhook: <c>Stored</c>, <c>Repeat</c>, <c>Conflict</c>, <c>Ignored</c>, or, in a batch, <c>Invalid</c> or <c>Suppressed</c>.</summary>
public sealed record ToolEventReceipt(int Index, string Event, string Status, string? RecordedAs, Guid? LeadId, string? Qualified, string? Note);

/// <summary>A tool's webhook, one event or a batch: the answer per event, in the order sent.</summary>
public sealed record ToolWebhookReceipt(string Tool, int Received, int Stored, int Repeats, int Ignored, IReadOnlyList<ToolEventReceipt> Events);

/// <summary>
/// One outreach tool's webhook at <c>/hooks/{tool}/{key}</c>: proven authentic the way that tool allows (an HMAC over the
/// raw body where it signs, with its signed delivery time no more than 5 minutes off; otherwise the source's secret as a
/// token in the URL, in <c>X-Leadgate-Token</c>, or echoed in the body), compared in constant time, before anything is
/// read; a refusal stores nothing. Then each event is read by the tool's adapter: a reply or "interested" is a hand-raise
/// (<see cref="BehaviourType.EmailReply"/>) that makes the prospect an MQL; "not interested", unsubscribes and bounces are
/// kept as <see cref="OutreachSignal"/>s for a known lead and never score; everything else is ignored. Every event is
/// stored once under the tool's delivery id, or a digest of the raw event when the tool sends none.
/// </summary>
public sealed class ReceiveToolWebhook(LeadgateDbContext db, TimeProvider clock, IDataProtectionProvider dataProtection, RecordOutreachEvent handRaise)
{
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxBatch = 100;
    public const string TokenHeader = "X-Leadgate-Token";
    private const int MaxDeliveryIdLength = 150;

    private static readonly JsonDocumentOptions Reading = new() { MaxDepth = 32 };

    /// <param name="keySegment">The URL's key: <c>{key}</c>, or <c>{key}.{secret}</c> for a tool that cannot sign or echo a secret.</param>
    public async Task<Result<ToolWebhookReceipt>> HandleAsync(string tool, string keySegment, string? token, string? signature, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (ToolAdapter.ForPath(tool) is not { } adapter)
        {
            return new NotFound("Outreach tool", tool);
        }

        var dot = keySegment.IndexOf('.', StringComparison.Ordinal);
        var key = dot < 0 ? keySegment : keySegment[..dot];
        token = dot < 0 ? (string.IsNullOrEmpty(token) ? null : token) : keySegment[(dot + 1)..];
        var source = key.Length is > 0 and <= 40
            ? await db.WebhookSources.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key && s.Tool == adapter.Tool, cancellationToken)
            : null;
        if (source is null)
        {
            return new NotAuthentic($"No {adapter.PathName} webhook source has this key.");
        }

        string secret;
        try
        {
            secret = WebhookSecrets.Protector(dataProtection).Unprotect(source.ProtectedSecret);
        }
        catch (CryptographicException)
        {
            return new NotAuthentic("This source's secret can no longer be read; an admin must rotate it.");
        }

        // Proven before the body is read, where the tool allows it.
        var proven = false;
        if (adapter.SignatureHeader is { } header)
        {
            if (!SignatureMatches(secret, signature, body.Span))
            {
                return new NotAuthentic($"{header} must be the hex HMAC-SHA256 of the raw body with this source's secret.");
            }

            proven = true;
        }
        else if (token is not null)
        {
            if (!SameSecret(secret, token))
            {
                return new NotAuthentic("The token does not match this source's secret.");
            }

            proven = true;
        }

        var read = Read(adapter, body);
        if (read.Error is { } unreadable)
        {
            return proven ? unreadable : new NotAuthentic("Send this source's secret in the URL, in X-Leadgate-Token, or in the body as the tool allows.");
        }

        var (events, single) = read.Value;
        if (adapter.SignatureHeader is not null && !single)
        {
            // Outreach sends one JSON:API document a request; its signed delivery time covers exactly that one.
            return Invalid.Field("body", "One JSON:API document (an object) is required.");
        }

        if (!proven && !events.All(e => e.Event.Secret is { } echoed && SameSecret(secret, echoed)))
        {
            return new NotAuthentic("The secret in the body is missing or does not match this source's secret.");
        }

        var now = clock.GetUtcNow();
        if (adapter.SignatureHeader is not null
            && events.Any(e => e.Event.SentAt is not { } sent || sent < now - WebhookSignature.Tolerance || sent > now + WebhookSignature.Tolerance))
        {
            return new NotAuthentic("The signed delivery time is missing or more than 5 minutes from the server's clock.");
        }

        var receipts = new List<ToolEventReceipt>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var (received, digest) = events[i];
            var deliveryId = received.DeliveryId is { Length: <= MaxDeliveryIdLength } id && !id.Any(char.IsControl) ? id : digest;
            var receipt = await RecordAsync(source, adapter, i, received, $"{adapter.PathName}:{source.Key}:{deliveryId}", cancellationToken);
            if (receipt.Error is { } error)
            {
                if (single)
                {
                    return error;
                }

                receipts.Add(new ToolEventReceipt(i, received.Event, error is Privacy.Suppressed ? "Suppressed" : "Invalid", null, null, null, error.Message));
                continue;
            }

            receipts.Add(receipt.Value);
        }

        return new ToolWebhookReceipt(
            adapter.PathName,
            receipts.Count,
            receipts.Count(r => r.Status == nameof(EventStatus.Stored)),
            receipts.Count(r => r.Status == nameof(EventStatus.Repeat)),
            receipts.Count(r => r.Status == "Ignored"),
            receipts);
    }

    private async Task<Result<ToolEventReceipt>> RecordAsync(WebhookSource source, ToolAdapter adapter, int index, ToolEvent received, string externalId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        switch (received.Kind)
        {
            case null:
                return new ToolEventReceipt(index, received.Event, "Ignored", null, null, null, $"'{received.Event}' events of {adapter.PathName} do not change the funnel.");
            case OutreachSignalKind.Reply or OutreachSignalKind.Interested:
                var recorded = await handRaise.RecordAsync(source, externalId, BehaviourType.EmailReply, received, null, cancellationToken);
                return recorded.Map(r => new ToolEventReceipt(index, received.Event, r.Status, r.RecordedAs, r.LeadId, r.Qualified, null));
            case OutreachSignalKind.NotInterested or OutreachSignalKind.Unsubscribed or OutreachSignalKind.Bounced:
                return await RecordSignalAsync(source, index, received, received.Kind.Value, externalId, cancellationToken);
            default:
                throw new ArgumentOutOfRangeException(nameof(received), received.Kind, "An outreach signal kind without a rule.");
        }
    }

    /// <summary>A negative signal is kept for a known lead only: it is no reason to take a new person in.</summary>
    private async Task<Result<ToolEventReceipt>> RecordSignalAsync(WebhookSource source, int index, ToolEvent received, OutreachSignalKind kind, string deliveryId, CancellationToken cancellationToken)
    {
        var email = EmailAddress.Parse(received.Email, "email");
        if (email.Error is { } badEmail)
        {
            return badEmail;
        }

        var leadId = await db.Leads.AsNoTracking()
            .Where(l => l.OrganisationId == source.OrganisationId && db.Contacts.Any(c => c.Id == l.ContactId && c.Email == email.Value.Value))
            .Select(l => (Guid?)l.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (leadId is not { } lead)
        {
            return new ToolEventReceipt(index, received.Event, "Ignored", null, null, null, "No lead has this address; a negative signal does not create one.");
        }

        if (await db.OutreachSignals.AnyAsync(s => s.OrganisationId == source.OrganisationId && s.DeliveryId == deliveryId, cancellationToken))
        {
            return new ToolEventReceipt(index, received.Event, nameof(EventStatus.Repeat), kind.ToString(), lead, null, null);
        }

        var now = clock.GetUtcNow();
        db.OutreachSignals.Add(OutreachSignal.Record(source, lead, deliveryId, received.Event, kind, received.OccurredAt ?? now, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same delivery, stored a moment ago by a concurrent retry: the unique index keeps it once.
            db.ChangeTracker.Clear();
            return new ToolEventReceipt(index, received.Event, nameof(EventStatus.Repeat), kind.ToString(), lead, null, null);
        }

        return new ToolEventReceipt(index, received.Event, nameof(EventStatus.Stored), kind.ToString(), lead, null, null);
    }

    /// <summary>One object or an array of 1 to <see cref="MaxBatch"/> objects; each read by the adapter, with a digest of its raw text.</summary>
    private static Result<(IReadOnlyList<(ToolEvent Event, string Digest)> Events, bool Single)> Read(ToolAdapter adapter, ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Reading);
        }
        catch (JsonException)
        {
            return Invalid.Field("body", "A JSON object or an array of objects is required.");
        }

        using (document)
        {
            var root = document.RootElement;
            var single = root.ValueKind == JsonValueKind.Object;
            var items = single ? [root] : root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [];
            if (items.Count is 0 or > MaxBatch || items.Any(i => i.ValueKind != JsonValueKind.Object))
            {
                return Invalid.Field("body", $"A JSON object or an array of 1 to {MaxBatch} objects is required.");
            }

            if (!items.All(NamesAreText))
            {
                return Invalid.Field("body", "Every property name must be valid Unicode text.");
            }

            return (items.Select(i => (adapter.Read(i), Digest(i))).ToList(), single);
        }
    }

    /// <summary>Every property name at every depth: the adapters read nested objects, and a lone surrogate in any name makes reading them throw.</summary>
    private static bool NamesAreText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => JsonText.NamesAreText(value) && value.EnumerateObject().All(p => NamesAreText(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().All(NamesAreText),
        _ => true,
    };

    private static string Digest(JsonElement item) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(item.GetRawText())))[..32];

    /// <summary>Constant time whatever the lengths: the digests of both are compared.</summary>
    private static bool SameSecret(string secret, string given) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));

    private static bool SignatureMatches(string secret, string? signature, ReadOnlySpan<byte> body)
    {
        var hex = signature?.Trim() ?? "";
        if (hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[7..];
        }

        Span<byte> given = stackalloc byte[32];
        if (hex.Length != 64 || Convert.FromHexString(hex, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), given);
    }
}
