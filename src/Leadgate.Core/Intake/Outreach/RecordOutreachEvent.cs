using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Intake.Outreach;

/// <summary>
/// Records one outreach event that scores, for the generic webhook and every tool's adapter alike: an unknown address
/// becomes a new lead with the names and company the tool sent (a known lead's facts are left as they are; an erased
/// person is refused), then the event is recorded through <see cref="RecordEvents"/> under its external id, so a replay is
/// a <c>Repeat</c>. A hand-raise type makes the lead an MQL through the lifecycle there.
/// </summary>
public sealed class RecordOutreachEvent(LeadgateDbContext db, TimeProvider clock, CreateLead createLead, RecordEvents recordEvents)
{
    public async Task<Result<WebhookReceipt>> RecordAsync(WebhookSource source, string externalId, BehaviourType type, ToolEvent received, string? url, CancellationToken cancellationToken)
    {
        var actor = Actor.ForIntegration(source.OrganisationId, $"Outreach webhook: {source.Name}");
        var email = EmailAddress.Parse(received.Email, "email");
        if (email.Error is { } badEmail)
        {
            return badEmail;
        }

        if (!await db.Contacts.AnyAsync(c => c.OrganisationId == source.OrganisationId && c.Email == email.Value.Value, cancellationToken))
        {
            var created = await createLead.HandleAsync(
                new CreateLeadRequest
                {
                    Email = received.Email,
                    FirstName = received.FirstName,
                    LastName = received.LastName,
                    JobTitle = received.JobTitle,
                    Source = Truncate($"Outreach: {source.Name}", 100),
                    Campaign = received.Campaign,
                    Company = received.Company is null ? null : new CompanyInput { Name = received.Company },
                },
                actor,
                cancellationToken);
            if (created.Error is { } refused)
            {
                return refused is Invalid fields ? new Invalid(fields.Errors.ToDictionary(e => e.Key == "company.name" ? "company" : e.Key, e => e.Value)) : refused;
            }

            db.ChangeTracker.Clear();
        }

        var properties = JsonSerializer.SerializeToElement(new { source = source.Name, @event = received.Event, campaign = received.Campaign, url });
        var recorded = await recordEvents.HandleAsync(
            new RecordEventsRequest
            {
                Events = [new EventInput { ExternalId = externalId, Type = type.ToString(), Email = received.Email, OccurredAt = received.OccurredAt ?? clock.GetUtcNow(), Properties = properties }],
            },
            actor,
            cancellationToken);
        if (recorded.Error is { } error)
        {
            return SingleEvent.Unprefixed(error);
        }

        var outcome = recorded.Value.Results[0];
        return new WebhookReceipt(outcome.Status.ToString(), received.Event, type.ToString(), outcome.LeadId, recorded.Value.Qualified.Count > 0 ? recorded.Value.Qualified[0].Rule : null, null);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
