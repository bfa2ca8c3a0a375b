using Leadgate.Accounts;
using Leadgate.Common;

namespace Leadgate.Pipeline;

/// <summary>What kind of doubt the buyer raised.</summary>
public enum ObjectionCategory
{
    Price,
    Budget,
    Timing,
    Authority,
    Need,
    Competition,
    Product,
    Risk,
    Legal,
    Other,
}

/// <summary>An objection the buyer raised on a deal, and how sales answered it (not yet, while <see cref="AnsweredAt"/> is null).</summary>
public sealed class Objection
{
    public const int MaxTextLength = 2000;

    private Objection()
    {
        Text = null!;
        RaisedByName = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid DealId { get; private set; }

    public ObjectionCategory Category { get; private set; }

    public string Text { get; private set; }

    public DateTimeOffset RaisedAt { get; private set; }

    public Guid? RaisedByUserId { get; private set; }

    public string RaisedByName { get; private set; }

    public string? Answer { get; private set; }

    public DateTimeOffset? AnsweredAt { get; private set; }

    public Guid? AnsweredByUserId { get; private set; }

    public string? AnsweredByName { get; private set; }

    public bool Answered => AnsweredAt is not null;

    internal static Result<Objection> Raise(Deal deal, ObjectionCategory? category, string? text, Actor by, DateTimeOffset at)
    {
        var errors = new Dictionary<string, string[]>();
        if (category is not { } kind || !Enum.IsDefined(kind))
        {
            errors["category"] = [$"One of {string.Join(", ", Enum.GetNames<ObjectionCategory>())}."];
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            errors["text"] = ["Say what the buyer objected to."];
        }
        else if (text.Trim().Length > MaxTextLength)
        {
            errors["text"] = [$"At most {MaxTextLength} characters."];
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        return new Objection
        {
            Id = Ids.New(at),
            OrganisationId = deal.OrganisationId,
            DealId = deal.Id,
            Category = category!.Value,
            Text = text!.Trim(),
            RaisedAt = at,
            RaisedByUserId = by.UserId,
            RaisedByName = by.Name,
        };
    }

    /// <summary>Records how the objection was answered; a later answer replaces the earlier one (the deal's page shows the latest).</summary>
    internal Result<Done> AnswerWith(string? answer, Actor by, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return Invalid.Field("answer", "Say how the objection was answered.");
        }

        if (answer.Trim().Length > MaxTextLength)
        {
            return Invalid.Field("answer", $"At most {MaxTextLength} characters.");
        }

        Answer = answer.Trim();
        AnsweredAt = at;
        AnsweredByUserId = by.UserId;
        AnsweredByName = by.Name;
        return Done.Value;
    }
}
