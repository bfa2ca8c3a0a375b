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
        else if (!CalendarBounds.Holds(expectedCloseDate.Value))
        {
            errors["expectedCloseDate"] = [CalendarBounds.Message];
        }

        return errors.Count > 0 ? new Invalid(errors) : new DealTerms(decimal.Round(value!.Value, 2), parsedCurrency.Value, expectedCloseDate!.Value);
    }
}

/// <summary>A change to a deal's plan; each <c>Sets…</c> says the field was sent (a sent null clears it).</summary>
public sealed record DealPlan
{
    public bool SetsProbability { get; init; }

    public int? Probability { get; init; }

    public bool SetsForecastCategory { get; init; }

    public ForecastCategory? ForecastCategory { get; init; }

    public bool SetsNextStep { get; init; }

    public string? NextStepText { get; init; }

    public DateOnly? NextStepDueOn { get; init; }

    public bool SetsOwner { get; init; }

    public Guid? OwnerId { get; init; }

    public bool SetsProposalReference { get; init; }

    public string? ProposalReference { get; init; }
}

/// <summary>The pipeline record opened when a lead is accepted as SQL.</summary>
public sealed class Deal
{
    public const int MaxNextStepLength = 500;
    public const int MaxProposalReferenceLength = 200;
    public const int MaxCompetitorLength = 200;

    private readonly List<Stakeholder> _stakeholders = [];
    private readonly List<DealChange> _history = [];

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

    /// <summary>Which proposal is on the table: its number in the rep's quoting tool, or a link to it.</summary>
    public string? ProposalReference { get; private set; }

    public DealStatus Status { get; private set; }

    public decimal? WonAmount { get; private set; }

    public DateOnly? ClosedOn { get; private set; }

    public string? LostReason { get; private set; }

    public string? LostNote { get; private set; }

    /// <summary>Who the deal was lost to, when the rep knows.</summary>
    public string? Competitor { get; private set; }

    public Guid? OwnerId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public long Version { get; private set; }

    /// <summary>Null only for a deal opened before pipelines existed, until its first change places it (<see cref="Pipelines.PlacementOf"/>).</summary>
    public Guid? PipelineId { get; private set; }

    public Guid? StageId { get; private set; }

    public DateTimeOffset? StageChangedAt { get; private set; }

    /// <summary>The stage's default probability, copied when the deal entered it.</summary>
    public int StageProbability { get; private set; }

    public ForecastCategory StageForecastCategory { get; private set; }

    /// <summary>The rep's own probability: it survives stage moves until the rep clears it.</summary>
    public int? RepProbability { get; private set; }

    public ForecastCategory? RepForecastCategory { get; private set; }

    public string? NextStepText { get; private set; }

    /// <summary>When the owner was told the deal went stale; cleared when it is warm again, so each stale spell is told once.</summary>
    public DateTimeOffset? StaleNotifiedAt { get; private set; }

    public DateOnly? NextStepDueOn { get; private set; }

    public int Probability => RepProbability ?? StageProbability;

    public ProbabilitySource ProbabilitySource => RepProbability is null ? ProbabilitySource.Stage : ProbabilitySource.Rep;

    public ForecastCategory ForecastCategory => RepForecastCategory ?? StageForecastCategory;

    public IReadOnlyList<Stakeholder> Stakeholders => _stakeholders;

    /// <summary>The rows this unit of work appended; the stored history is read by query.</summary>
    public IReadOnlyList<DealChange> History => _history;

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

    /// <summary>
    /// Erasure of the lead's person (docs/privacy.md): a title made from their name becomes the company's name or a neutral
    /// one, and the free text goes; amounts, dates, stages and status stay.
    /// </summary>
    internal void Erase(string? companyName, DateTimeOffset at)
    {
        Title = companyName ?? "Erased person";
        LostNote = null;
        NextStepText = null;
        UpdatedAt = at;
    }

    /// <summary>Enters a stage of its pipeline (or, for a deal without one, is placed in it). The caller has checked the stage's fields and the lifecycle.</summary>
    internal void EnterStage(PipelineStage stage, Guid pipelineId, DateTimeOffset at)
    {
        if (StageId == stage.Id)
        {
            return;
        }

        PipelineId = pipelineId;
        StageId = stage.Id;
        StageProbability = stage.Probability;
        StageForecastCategory = stage.ForecastCategory;
        StageChangedAt = at;
        UpdatedAt = at;
    }

    /// <summary>
    /// What a stage asks of the deal that it does not have yet; <paramref name="amount"/> is a proposal amount and
    /// <paramref name="proposalReference"/> a proposal reference the move brings.
    /// </summary>
    public IReadOnlyList<Leads.Requirement> MissingFor(PipelineStage stage, decimal? amount, string? proposalReference = null)
    {
        var missing = new List<Leads.Requirement>();
        foreach (var field in stage.RequiredFields)
        {
            if (field == StageFields.Amount && ProposalAmount is null && amount is not > 0)
            {
                missing.Add(StageFields.AmountRequirement);
            }
            else if (field == StageFields.NextStep && string.IsNullOrWhiteSpace(NextStepText))
            {
                missing.Add(StageFields.NextStepRequirement);
            }
            else if (field == StageFields.ExpectedCloseDate && ExpectedCloseDate == default)
            {
                missing.Add(StageFields.CloseDateRequirement);
            }
            else if (field == StageFields.ProposalReference && string.IsNullOrWhiteSpace(ProposalReference) && string.IsNullOrWhiteSpace(proposalReference))
            {
                missing.Add(StageFields.ProposalReferenceRequirement);
            }
            else if (field.StartsWith(StageFields.StakeholderPrefix, StringComparison.Ordinal)
                && Enum.TryParse<StakeholderRole>(field[StageFields.StakeholderPrefix.Length..], out var role)
                && !_stakeholders.Exists(s => s.Role == role))
            {
                missing.Add(StageFields.Stakeholder(role));
            }
        }

        return missing;
    }

    /// <summary>The rep's probability (null gives the stage default back), forecast category (null likewise), next step and owner.</summary>
    public Result<Done> Plan(DealPlan plan, DateTimeOffset at)
    {
        if (Status != DealStatus.Open)
        {
            return new Conflict("deal-closed", $"The deal is {Status} and can no longer be changed.");
        }

        var errors = new Dictionary<string, string[]>();
        if (plan.Probability is < 0 or > 100)
        {
            errors["probability"] = ["A percentage from 0 to 100, or null for the stage's default."];
        }

        if (plan.NextStepText?.Trim().Length > MaxNextStepLength)
        {
            errors["nextStep.text"] = [$"At most {MaxNextStepLength} characters."];
        }

        if (plan.SetsNextStep && plan.NextStepDueOn is not null && string.IsNullOrWhiteSpace(plan.NextStepText))
        {
            errors["nextStep.text"] = ["Say what the next step is."];
        }

        if (plan.ProposalReference?.Trim().Length > MaxProposalReferenceLength)
        {
            errors["proposalReference"] = [$"At most {MaxProposalReferenceLength} characters."];
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        if (plan.SetsProbability)
        {
            RepProbability = plan.Probability;
        }

        if (plan.SetsForecastCategory)
        {
            RepForecastCategory = plan.ForecastCategory;
        }

        if (plan.SetsNextStep)
        {
            NextStepText = string.IsNullOrWhiteSpace(plan.NextStepText) ? null : plan.NextStepText.Trim();
            NextStepDueOn = NextStepText is null ? null : plan.NextStepDueOn;
        }

        if (plan.SetsOwner)
        {
            OwnerId = plan.OwnerId;
        }

        if (plan.SetsProposalReference)
        {
            ProposalReference = string.IsNullOrWhiteSpace(plan.ProposalReference) ? null : plan.ProposalReference.Trim();
        }

        UpdatedAt = at;
        return Done.Value;
    }

    public Result<Stakeholder> AddStakeholder(Guid contactId, StakeholderRole role, DateTimeOffset at)
    {
        if (_stakeholders.Exists(s => s.ContactId == contactId && s.Role == role))
        {
            return new Conflict("stakeholder-exists", $"This contact is already a stakeholder in the role {role}.");
        }

        var stakeholder = Stakeholder.Create(this, contactId, role, at);
        _stakeholders.Add(stakeholder);
        UpdatedAt = at;
        return stakeholder;
    }

    public Result<Done> RemoveStakeholder(Guid stakeholderId, DateTimeOffset at)
    {
        var stakeholder = _stakeholders.Find(s => s.Id == stakeholderId);
        if (stakeholder is null)
        {
            return new NotFound("Stakeholder", stakeholderId);
        }

        _stakeholders.Remove(stakeholder);
        UpdatedAt = at;
        return Done.Value;
    }

    /// <summary>Records an objection the buyer raised on the open deal.</summary>
    internal Result<Objection> RaiseObjection(ObjectionCategory? category, string? text, Actor by, DateTimeOffset at)
    {
        if (Status != DealStatus.Open)
        {
            return new Conflict("deal-closed", $"The deal is {Status} and can no longer be changed.");
        }

        var objection = Objection.Raise(this, category, text, by, at);
        if (objection.IsSuccess)
        {
            UpdatedAt = at;
        }

        return objection;
    }

    /// <summary>Records how an objection on the open deal was answered.</summary>
    internal Result<Done> AnswerObjection(Objection objection, string? answer, Actor by, DateTimeOffset at)
    {
        if (Status != DealStatus.Open)
        {
            return new Conflict("deal-closed", $"The deal is {Status} and can no longer be changed.");
        }

        var answered = objection.AnswerWith(answer, by, at);
        if (answered.IsSuccess)
        {
            UpdatedAt = at;
        }

        return answered;
    }

    /// <summary>Appends a history row when the change altered what the history keeps (stage, status, value, close date, probability, category).</summary>
    internal void Recorded(DealChange? before, Actor by, DateTimeOffset at)
    {
        var after = DealChange.Of(this, by, at);
        if (before is null || !after.SameAs(before))
        {
            _history.Add(after);
        }
    }

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

    /// <summary>Names the competitor a lost deal went to (blank names none).</summary>
    internal void LostTo(string? competitor) => Competitor = string.IsNullOrWhiteSpace(competitor) ? null : competitor.Trim();
}
