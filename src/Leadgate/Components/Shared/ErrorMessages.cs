using Leadgate.Common;
using Microsoft.Extensions.Localization;

namespace Leadgate.Web.Components.Shared;

/// <summary>A refusal as the user reads it: a title, what exactly is wrong or missing, and whether reloading helps.</summary>
public sealed record ErrorMessage(string Title, IReadOnlyList<string> Details, bool Stale);

/// <summary>
/// Turns the core's typed errors into text in the user's language; requirements are translated by their stable code. Stages
/// appear as their glossary codes (MQL → SQL), as on the stage chips.
/// </summary>
public static class ErrorMessages
{
    public static ErrorMessage Describe(this IStringLocalizer l, Error error) => error switch
    {
        RequirementsMissing missing => new(
            l["Error.RequirementsMissing", l[$"StageCode.{missing.From}"], l[$"StageCode.{missing.To}"]],
            [.. missing.Missing.Select(l.Describe)],
            false),
        Invalid invalid => new(
            l["Error.Invalid"],
            [.. invalid.Errors.SelectMany(field => field.Value.Select(message => $"{l.Field(field.Key)}: {message}"))],
            false),
        TransitionNotAllowed refused => new(
            l["Error.TransitionNotAllowed", l[$"Action.{refused.Action}"], l[$"StageCode.{refused.From}"]],
            [],
            false),
        Forbidden => new(l["Error.Forbidden"], [], false),
        PreconditionFailed => new(l["Error.Stale"], [], true),
        Conflict conflict => new(Or(l[$"Conflict.{conflict.Code}", conflict.Subject ?? ""], conflict.Message), [], conflict.Code == "concurrent-update"),
        NotFound => new(l["Error.NotFound"], [], false),
        Privacy.Suppressed => new(l["Error.Suppressed"], [], false),
        _ => new(l["Error.Unexpected"], [error.Message], false),
    };

    private static string Field(this IStringLocalizer l, string field) => Or(l[$"Field.{field}"], field);

    private static string Or(LocalizedString text, string fallback) => text.ResourceNotFound ? fallback : text.Value;
}
