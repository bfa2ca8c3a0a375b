using System.Globalization;

namespace Leadgate.Common;

/// <summary>
/// What is wrong with one value: a stable code, the numbers the message names (limits, counts), and the English message
/// the API and the command line give. A UI renders the code in its own language and formats the numbers for its culture
/// (the import's row report: <c>RowProblem.{Code}</c> in the web app's resources, with the arguments as <c>{0}</c>, <c>{1}</c>).
/// The English message is written with invariant numbers, whatever the thread's culture.
/// </summary>
public sealed record FieldProblem(string Code, string Message, IReadOnlyList<long> Arguments)
{
    public static readonly FieldProblem EmailRequired = new("email.required", "An e-mail address is required.", []);

    /// <summary>The person was erased at their request (docs/privacy.md): the row is not imported.</summary>
    public static readonly FieldProblem EmailSuppressed = new("email.suppressed", "This person asked to be erased; their data is not taken in again.", []);

    public static readonly FieldProblem EmailInvalid = new("email.invalid", "This is not a valid e-mail address.", []);

    public static readonly FieldProblem ControlCharacters = new("field.controlCharacters", "Control characters are not allowed.", []);

    public static readonly FieldProblem DomainInvalid = new("domain.invalid", "This is not a domain name such as example.com.", []);

    public static readonly FieldProblem CountryNotIsoCode = new("country.notIsoCode", "Use a two-letter ISO 3166 country code such as NL.", []);

    public static readonly FieldProblem CountryUnknown = new("country.unknown", "Not a known country name or ISO 3166 code.", []);

    public static readonly FieldProblem NotWholeNumber = new("number.notWhole", "Not a whole number.", []);

    public static readonly FieldProblem DateUnreadable = new(
        "date.unreadable", "Not a date: use ISO 8601 (2025-01-31, 2025-01-31T14:05:00Z), yyyy-MM-dd HH:mm, M/d/yyyy or M/d/yyyy h:mm tt.", []);

    public static readonly FieldProblem OutcomeUnreadable = new(
        "outcome.unreadable", "Not an outcome: use 1 or 0, yes or no, true or false, converted or not converted, won or lost.", []);

    public static readonly FieldProblem QuoteNotClosed = new("csv.quoteNotClosed", "A quoted field is not closed before the end of the file.", []);

    public static FieldProblem TooLong(int maxLength) => new("field.tooLong", string.Create(CultureInfo.InvariantCulture, $"At most {maxLength} characters."), [maxLength]);

    public static FieldProblem OutOfRange(long min, long max) => new("number.outOfRange", string.Create(CultureInfo.InvariantCulture, $"Between {min:N0} and {max:N0}."), [min, max]);

    public static FieldProblem TooManyFields(int maxFields) => new("csv.tooManyFields", string.Create(CultureInfo.InvariantCulture, $"The record has more than {maxFields} fields."), [maxFields]);

    public static FieldProblem FieldTooLong(int maxLength) => new("csv.fieldTooLong", string.Create(CultureInfo.InvariantCulture, $"A field is longer than {maxLength:N0} characters."), [maxLength]);

    public static FieldProblem MoreFieldsThanHeader(int fields, int headerFields) =>
        new("row.moreFieldsThanHeader", string.Create(CultureInfo.InvariantCulture, $"The row has {fields} fields; the header has {headerFields}."), [fields, headerFields]);
}
