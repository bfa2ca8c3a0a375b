using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Leadgate.Common;

/// <summary>An e-mail address, trimmed and lower-cased, so that one person is one address per organisation.</summary>
public sealed partial record EmailAddress
{
    public const int MaxLength = 254;

    private EmailAddress(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out EmailAddress? email)
    {
        email = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var candidate = text.Trim().ToLowerInvariant();
        if (candidate.Length > MaxLength || !Shape().IsMatch(candidate))
        {
            return false;
        }

        email = new EmailAddress(candidate);
        return true;
    }

    public static Result<EmailAddress> Parse(string? text, string field = "email") =>
        TryParse(text, out var email)
            ? email
            : Invalid.Field(field, ProblemOf(text).Message);

    /// <summary>Why a text that <see cref="TryParse"/> refused is not an address: missing, or not the shape of one.</summary>
    public static FieldProblem ProblemOf(string? text) =>
        string.IsNullOrWhiteSpace(text) ? FieldProblem.EmailRequired : FieldProblem.EmailInvalid;

    /// <summary>An address read back from the database, which was checked when it was written.</summary>
    internal static EmailAddress FromStored(string value) => new(value);

    /// <summary>The part after the @, which is how a person's company is recognised when no domain is given.</summary>
    public string Domain => Value[(Value.IndexOf('@') + 1)..];

    public override string ToString() => Value;

    // One @, no spaces, a dotted domain whose labels start and end with a letter or digit.
    [GeneratedRegex(@"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
