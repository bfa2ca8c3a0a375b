using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Leads;

namespace Leadgate.Pipeline;

public enum DealStatus
{
    Open,
    Won,
    Lost,
}

/// <summary>What sales expects when it accepts a lead: the deal's estimated value and close date.</summary>
public sealed record DealTerms(decimal Value, string Currency, DateOnly ExpectedCloseDate)
{
    /// <summary>The terms, or a problem per field; a close date before <paramref name="earliestToday"/> (today where the day is oldest: <see cref="CalendarToday.Earliest"/>) is in the past.</summary>
    public static Result<DealTerms> Parse(decimal? value, string? currency, DateOnly? expectedCloseDate, DateOnly earliestToday, string defaultCurrency)
    {
        var errors = new Dictionary<string, string[]>();
        if (value is not > 0)
        {
            errors["dealValue"] = ["An estimated deal value greater than zero is required."];
        }
        else if (value > 1_000_000_000_000m)
        {
            errors["dealValue"] = ["The deal value is too large."];
        }

        var parsedCurrency = Currencies.Parse(string.IsNullOrWhiteSpace(currency) ? defaultCurrency : currency);
        if (!parsedCurrency.IsSuccess)
        {
            errors["currency"] = ["Use a three-letter ISO 4217 currency code such as EUR."];
        }

        if (expectedCloseDate is null)
        {
            errors["expectedCloseDate"] = ["An expected close date is required."];
        }
        else if (expectedCloseDate < earliestToday)
        {
            errors["expectedCloseDate"] = ["The expected close date cannot be in the past."];
        }

        return errors.Count > 0 ? new Invalid(errors) : new DealTerms(decimal.Round(value!.Value, 2), parsedCurrency.Value, expectedCloseDate!.Value);
    }
}

/// <summary>The pipeline record opened when a lead is accepted as SQL.</summary>
public sealed class Deal
{
    private Deal()
    {
        Title = null!;
        Currency = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid LeadId { get; private set; }

    public string Title { get; private set; }

    public decimal Value { get; private set; }

    public string Currency { get; private set; }

    public DateOnly ExpectedCloseDate { get; private set; }

    public decimal? ProposalAmount { get; private set; }

    public DateTimeOffset? ProposedAt { get; private set; }

    public DealStatus Status { get; private set; }

    public decimal? WonAmount { get; private set; }

    public DateOnly? ClosedOn { get; private set; }

    public string? LostReason { get; private set; }

    public string? LostNote { get; private set; }

    public Guid? OwnerId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    internal static Deal Open(Lead lead, DealTerms terms, Actor by, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = lead.OrganisationId,
        LeadId = lead.Id,
        Title = lead.Company?.Name ?? (lead.Contact.FullName is { Length: > 0 } name ? name : lead.Contact.Email),
        Value = terms.Value,
        Currency = terms.Currency,
        ExpectedCloseDate = terms.ExpectedCloseDate,
        Status = DealStatus.Open,
        OwnerId = lead.OwnerId ?? by.UserId,
        CreatedAt = at,
        UpdatedAt = at,
    };

    public Result<Done> Revise(decimal? value, string? currency, DateOnly? expectedCloseDate, DateTimeOffset at)
    {
        if (Status != DealStatus.Open)
        {
            return new Conflict("deal-closed", $"The deal is {Status} and can no longer be changed.");
        }

        var terms = DealTerms.Parse(value ?? Value, currency ?? Currency, expectedCloseDate ?? ExpectedCloseDate, DateOnly.MinValue, Currency);
        if (terms.Error is Invalid invalid)
        {
            // A revision names the deal's own fields: its value is "value", not the accept request's "dealValue".
            return new Invalid(invalid.Errors.ToDictionary(e => e.Key == "dealValue" ? "value" : e.Key, e => e.Value));
        }

        Value = terms.Value.Value;
        Currency = terms.Value.Currency;
        ExpectedCloseDate = terms.Value.ExpectedCloseDate;
        UpdatedAt = at;
        return Done.Value;
    }

    internal void RecordProposal(decimal amount, DateTimeOffset at)
    {
        ProposalAmount = amount;
        ProposedAt = at;
        UpdatedAt = at;
    }

    internal void MarkWon(decimal amount, DateOnly closedOn, DateTimeOffset at)
    {
        Status = DealStatus.Won;
        WonAmount = amount;
        ClosedOn = closedOn;
        UpdatedAt = at;
    }

    internal void MarkLost(string reason, string? note, DateOnly closedOn, DateTimeOffset at)
    {
        Status = DealStatus.Lost;
        LostReason = reason;
        LostNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        ClosedOn = closedOn;
        UpdatedAt = at;
    }
}
