using System.Globalization;
using Leadgate.Imports;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;
using Microsoft.Extensions.Localization;

namespace Leadgate.Web.Components.Shared;

/// <summary>
/// The core's enums and stable codes in the user's language. Keys are "{Kind}.{Code}" in SharedResource.resx; a code the
/// resources do not know (an organisation's own reason, a requirement added later) falls back to the core's English text.
/// </summary>
public static class Texts
{
    public static string Label(this IStringLocalizer l, Stage stage) => l[$"Stage.{stage}"];

    /// <summary>
    /// A predictive model's field (<see cref="Prediction.LeadFeatures"/>) in the user's language: "Events: Webinar" with the event
    /// type's own name; a field with no text (an imported file's column) as it is named.
    /// </summary>
    public static string Factor(this IStringLocalizer l, string factor)
    {
        const string Events = "Events: ";
        if (factor.StartsWith(Events, StringComparison.Ordinal))
        {
            var type = factor[Events.Length..];
            return l["Factor.Events", Enum.TryParse<Scoring.BehaviourType>(type, out var known) && Enum.IsDefined(known) ? l[$"Behaviour.{known}"] : type];
        }

        var name = l[$"Factor.{factor}"];
        return name.ResourceNotFound ? factor : name.Value;
    }

    public static string Label(this IStringLocalizer l, WorkStatus status) => l[$"WorkStatus.{status}"];

    public static string Label(this IStringLocalizer l, ActivityType type) => l[$"ActivityType.{type}"];

    public static string Label(this IStringLocalizer l, SourceOutcome outcome) => l[$"SourceOutcome.{outcome}"];

    public static string Label(this IStringLocalizer l, Direction direction) => l[$"Direction.{direction}"];

    public static string Label(this IStringLocalizer l, ActivityOutcome outcome) => l[$"Outcome.{outcome}"];

    public static string Label(this IStringLocalizer l, BantStatus status) => l[$"BantStatus.{status}"];

    public static string Label(this IStringLocalizer l, BantDimension dimension) => l[$"Bant.{dimension}"];

    public static string Label(this IStringLocalizer l, DealStatus status) => l[$"DealStatus.{status}"];

    public static string Label(this IStringLocalizer l, AfterLost then) => l[$"AfterLost.{then}"];

    public static string Label(this IStringLocalizer l, ReasonView reason) => Or(l[$"Reason.{reason.Kind}.{reason.Code}"], reason.Label);

    public static string Describe(this IStringLocalizer l, Requirement requirement) => Or(l[$"Requirement.{requirement.Code}"], requirement.Message);

    /// <summary>
    /// A line of an import's row report: <c>RowProblem.{Code}</c> with the problem's numbers written for the UI culture; the
    /// stored English reason for a line without a code (stored before codes were kept), with a code the resources do not
    /// know, or with fewer numbers than the text asks for.
    /// </summary>
    public static string Reason(this IStringLocalizer l, ImportProblemView problem)
    {
        if (problem.Code is null || l[$"RowProblem.{problem.Code}"] is not { ResourceNotFound: false } text)
        {
            return problem.Reason;
        }

        var numbers = problem.Arguments.Select(n => (object)n.ToString("N0", CultureInfo.CurrentCulture)).ToArray();
        try
        {
            return string.Format(CultureInfo.CurrentCulture, text.Value, numbers);
        }
        catch (FormatException)
        {
            return problem.Reason;
        }
    }

    /// <summary>A stage event's reason: a listed reason's code, one of the lifecycle's own words, or marketing's free text.</summary>
    public static string EventReason(this IStringLocalizer l, string reason, IEnumerable<ReasonView> reasons)
    {
        var word = l[$"EventReason.{reason}"];
        if (!word.ResourceNotFound)
        {
            return word;
        }

        var listed = reasons.FirstOrDefault(r => string.Equals(r.Code, reason, StringComparison.OrdinalIgnoreCase));
        return listed is null ? reason : l.Label(listed);
    }

    private static string Or(LocalizedString text, string fallback) => text.ResourceNotFound ? fallback : text.Value;
}
