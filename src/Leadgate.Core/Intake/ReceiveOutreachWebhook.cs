using System.Security.Cryptography;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Scoring;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Intake;

/// <summary>What became of one webhook: <c>Stored</c>, <c>Repeat</c>, <c>Conflict</c> (as for <c>POST /events</c>) or <c>Ignored</c>.</summary>
public sealed record WebhookReceipt(string Status, string Event, string? RecordedAs, Guid? LeadId, string? Qualified, string? Note);

/// <summary>
/// One outreach-tool webhook: proven authentic first (the source's key, then the HMAC signature over the raw body and
/// the timestamp), then read, then recorded through <see cref="RecordEvents"/> with the tool's event id as the external
/// id, so a retry is a harmless repeat. A refusal stores nothing. <c>replied</c> is an <see cref="BehaviourType.EmailReply"/>
/// (a hand-raise), <c>clicked</c> a <see cref="BehaviourType.PageVisit"/>; every other event is acknowledged and ignored.
/// An unknown address creates the lead with the names and company the tool sent; a known lead's facts are left as they are.
/// </summary>
public sealed class ReceiveOutreachWebhook(LeadgateDbContext db, TimeProvider clock, IDataProtectionProvider dataProtection, Outreach.RecordOutreachEvent handRaise)
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxIdLength = 150;

    public static readonly IReadOnlyDictionary<string, BehaviourType> Mapped = new Dictionary<string, BehaviourType>(StringComparer.OrdinalIgnoreCase)
    {
        ["replied"] = BehaviourType.EmailReply,
        ["clicked"] = BehaviourType.PageVisit,
    };

    private static readonly JsonDocumentOptions Reading = new() { MaxDepth = 16 };

    public async Task<Result<WebhookReceipt>> HandleAsync(string sourceKey, string? timestamp, string? signature, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var source = sourceKey.Length is > 0 and <= 40
            ? await db.WebhookSources.AsNoTracking().FirstOrDefaultAsync(s => s.Key == sourceKey && s.Tool == Outreach.OutreachTool.Generic, cancellationToken)
            : null;
        if (source is null)
        {
            return new NotAuthentic("No webhook source has this key.");
        }

        string secret;
        try
        {
            secret = WebhookSecrets.Protector(dataProtection).Unprotect(source.ProtectedSecret);
        }
        catch (CryptographicException)
        {
            // The data-protection key that encrypted it is gone: nothing can be verified, so nothing is let in.
            return new NotAuthentic("This source's secret can no longer be read; an admin must make a new source.");
        }

        var check = WebhookSignature.Verify(secret, timestamp, signature, body.Span, clock.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            return new NotAuthentic(check switch
            {
                SignatureCheck.MissingHeaders => $"Both {WebhookSignature.TimestampHeader} and {WebhookSignature.SignatureHeader} are required.",
                SignatureCheck.MalformedTimestamp => $"{WebhookSignature.TimestampHeader} must be Unix seconds.",
                SignatureCheck.StaleTimestamp or SignatureCheck.FutureTimestamp => $"{WebhookSignature.TimestampHeader} is more than 5 minutes from the server's clock.",
                SignatureCheck.MalformedSignature => $"{WebhookSignature.SignatureHeader} must be sha256= and 64 hex digits.",
                SignatureCheck.Mismatch or SignatureCheck.Valid => "The signature does not match the body.",
            });
        }

        var parsed = Parse(body);
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        var payload = parsed.Value;
        if (!Mapped.TryGetValue(payload.Event, out var type))
        {
            return new WebhookReceipt("Ignored", payload.Event, null, null, null, $"'{payload.Event}' events are not scored; only {string.Join(" and ", Mapped.Keys)} are.");
        }

        return await handRaise.RecordAsync(
            source,
            $"outreach:{source.Key}:{payload.Id}",
            type,
            new Outreach.ToolEvent
            {
                Event = payload.Event,
                Email = payload.Email,
                FirstName = payload.FirstName,
                LastName = payload.LastName,
                JobTitle = payload.JobTitle,
                Company = payload.Company,
                Campaign = payload.Campaign,
                OccurredAt = payload.OccurredAt,
            },
            payload.Url,
            cancellationToken);
    }

    private sealed record Payload(string Id, string Event, string? Email, string? FirstName, string? LastName, string? JobTitle, string? Company, string? Campaign, string? Url, DateTimeOffset? OccurredAt);

    /// <summary>Reads the generic payload without model binding, naming each bad field; never throws on any input.</summary>
    private static Result<Payload> Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Reading);
        }
        catch (JsonException)
        {
            return Invalid.Field("body", "A JSON object is required.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Invalid.Field("body", "A JSON object is required.");
            }

            if (!JsonText.NamesAreText(root))
            {
                return Invalid.Field("body", "Every property name must be valid Unicode text.");
            }

            var errors = new Dictionary<string, string[]>();
            string? Text(string name, int maxLength, bool required = false)
            {
                if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    if (required)
                    {
                        errors[name] = ["Required."];
                    }

                    return null;
                }

                if (value.ValueKind != JsonValueKind.String)
                {
                    errors[name] = ["A string is required."];
                    return null;
                }

                var text = JsonText.StringOf(value)?.Trim();
                if (text is null)
                {
                    errors[name] = ["Not valid Unicode text."];
                    return null;
                }

                if (text.Length > maxLength || text.Any(char.IsControl))
                {
                    errors[name] = [$"At most {maxLength} printable characters."];
                    return null;
                }

                if (required && text.Length == 0)
                {
                    errors[name] = ["Required."];
                }

                return text.Length == 0 ? null : text;
            }

            var id = Text("id", MaxIdLength, required: true);
            var kind = Text("event", 50, required: true);
            var email = Text("email", 254);
            var firstName = Text("firstName", 100);
            var lastName = Text("lastName", 100);
            var jobTitle = Text("jobTitle", 200);
            var company = Text("company", 200);
            var campaign = Text("campaign", 200);
            var url = Text("url", 2_000);
            var occurredAtText = Text("occurredAt", 64);
            DateTimeOffset? occurredAt = null;
            if (occurredAtText is not null)
            {
                if (DateTimeOffset.TryParse(occurredAtText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var when)
                    && (occurredAtText.EndsWith('Z') || occurredAtText.EndsWith('z') || occurredAtText.LastIndexOfAny(['+', '-']) > 9))
                {
                    occurredAt = when;
                }
                else
                {
                    errors["occurredAt"] = ["ISO 8601 with an offset, such as 2026-11-22T10:15:00Z."];
                }
            }

            return errors.Count > 0
                ? new Invalid(errors)
                : new Payload(id!, kind!, email, firstName, lastName, jobTitle, company, campaign, url, occurredAt);
        }
    }
}
