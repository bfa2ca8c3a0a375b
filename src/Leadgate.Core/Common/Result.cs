namespace Leadgate.Common;

/// <summary>A business failure. Every kind maps to exactly one HTTP status in the web host's problem mapper.</summary>
public abstract record Error(string Message);

/// <summary>The thing does not exist for this caller (or belongs to another organisation).</summary>
public sealed record NotFound(string Entity, object Id) : Error($"The {Entity.ToLowerInvariant()} was not found.");

/// <summary>The request could not be proven to come from whom it claims (an unknown webhook source, a bad signature).</summary>
public sealed record NotAuthentic(string Message) : Error(Message);

/// <summary>The caller's role may not do this.</summary>
public sealed record Forbidden(string Message) : Error(Message);

/// <summary>Input that breaks a rule of its own; each entry names a field.</summary>
public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors)
    : Error("One or more fields are invalid: " + string.Join(", ", Errors.Keys) + ".")
{
    public static Invalid Field(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The lifecycle table has no row for this move from the lead's current stage.</summary>
public sealed record TransitionNotAllowed(Leads.LeadAction Action, Leads.Stage From, Leads.Stage? To)
    : Error(To is { } to
        ? $"A lead in stage {From} cannot move to {to} ({Action})."
        : $"{Action} is not possible for a lead in stage {From}.");

/// <summary>The move is in the table, but its guard is not met; each requirement says what is missing.</summary>
public sealed record RequirementsMissing(Leads.Stage From, Leads.Stage To, IReadOnlyList<Leads.Requirement> Missing)
    : Error($"{From} → {To} needs: " + string.Join("; ", Missing.Select(m => m.Message)));

/// <summary>A state conflict that is not a lifecycle move: a duplicate, a concurrent change, a replayed key with another body.</summary>
public sealed record Conflict(string Code, string Message) : Error(Message)
{
    /// <summary>What the conflict is about, by its name (a stage, a pipeline), so a translated message can name it too.</summary>
    public string? Subject { get; init; }
}

/// <summary>The caller's If-Match no longer names the current version.</summary>
public sealed record PreconditionFailed(long CurrentVersion)
    : Error($"The resource has changed since it was read; its current version is {CurrentVersion}.");

/// <summary>Either a value or an error; business failures never throw.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => Error is null ? _value! : throw new InvalidOperationException("A failed result has no value: " + Error.Message);

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => Error is null ? map(_value!) : Error;
}

/// <summary>Success without a value.</summary>
public readonly record struct Done
{
    public static readonly Done Value;
}
