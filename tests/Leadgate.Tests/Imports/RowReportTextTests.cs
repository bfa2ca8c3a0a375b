using System.Globalization;
using System.Reflection;
using Leadgate.Common;
using Leadgate.Imports;
using Leadgate.Web.Components.Shared;
using Leadgate.Web.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Leadgate.Tests.Imports;

/// <summary>The import page writes each row report line in the UI's language from its code, with numbers as the culture writes them.</summary>
public sealed class RowReportTextTests
{
    private static readonly IStringLocalizer L = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(SharedResource));

    public static TheoryData<string> Cultures => ["en-GB", "nl-NL"];

    [Theory]
    [MemberData(nameof(Cultures))]
    public void EveryKindOfProblem_HasAText_WithAPlaceForEachOfItsNumbers(string culture)
    {
        using var _ = new UiCulture(culture);
        foreach (var problem in AllKinds())
        {
            var text = L[$"RowProblem.{problem.Code}"];
            Assert.False(text.ResourceNotFound, $"RowProblem.{problem.Code} is missing for {culture}.");
            var places = System.Text.RegularExpressions.Regex.Matches(text.Value, @"\{(\d+)\}").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1).DefaultIfEmpty(0).Max();
            Assert.True(places == problem.Arguments.Count, $"RowProblem.{problem.Code} has {places} places for {problem.Arguments.Count} numbers.");
        }
    }

    [Fact]
    public void InEnglish_TheTextFromTheCode_IsTheStoredReason()
    {
        using var _ = new UiCulture("en-GB");
        Assert.All(AllKinds(), problem => Assert.Equal(problem.Message, L.Reason(View(problem))));
    }

    [Fact]
    public void InDutch_TheReasonIsDutch_WithNumbersWrittenTheDutchWay()
    {
        using var _ = new UiCulture("nl-NL");

        Assert.Equal("Dit is geen geldig e-mailadres.", L.Reason(View(FieldProblem.EmailInvalid)));
        Assert.Equal("Maximaal 100 tekens.", L.Reason(View(FieldProblem.TooLong(100))));
        Assert.Equal("Tussen 0 en 10.000.000.", L.Reason(View(FieldProblem.OutOfRange(0, 10_000_000))));
        Assert.Equal("Een veld is langer dan 100.000 tekens.", L.Reason(View(FieldProblem.FieldTooLong(100_000))));
    }

    [Fact]
    public void ALineWithoutACode_OrWithAnUnknownCode_OrWithTooFewNumbers_ShowsTheStoredEnglishReason()
    {
        using var _ = new UiCulture("nl-NL");

        Assert.Equal("Stored before codes.", L.Reason(new ImportProblemView(3, "Email", "Stored before codes.", null, [])));
        Assert.Equal("From a later version.", L.Reason(new ImportProblemView(3, "Email", "From a later version.", "email.fromTheFuture", [])));
        Assert.Equal("At most 100 characters.", L.Reason(new ImportProblemView(3, "Voornaam", "At most 100 characters.", "field.tooLong", [])));
    }

    private static ImportProblemView View(FieldProblem problem) => new(2, "column", problem.Message, problem.Code, problem.Arguments);

    /// <summary>
    /// Every problem <see cref="FieldProblem"/> defines: its fields, and its factories called with sample numbers below 1,000
    /// (above, the UI groups thousands in English too, where the stored reason of some problems does not).
    /// </summary>
    private static List<FieldProblem> AllKinds()
    {
        var members = typeof(FieldProblem).GetMembers(BindingFlags.Public | BindingFlags.Static);
        var kinds = members.OfType<FieldInfo>().Where(f => f.FieldType == typeof(FieldProblem)).Select(f => (FieldProblem)f.GetValue(null)!).ToList();
        kinds.AddRange(members.OfType<MethodInfo>().Where(m => m.ReturnType == typeof(FieldProblem))
            .Select(m => (FieldProblem)m.Invoke(null, [.. m.GetParameters().Select((p, i) => Convert.ChangeType(7 + i, p.ParameterType, CultureInfo.InvariantCulture))])!));
        Assert.True(kinds.Count >= 14, $"Found {kinds.Count} kinds of problem.");
        return kinds;
    }

    private sealed class UiCulture : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

        public UiCulture(string name) => CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(name);

        public void Dispose()
        {
            CultureInfo.CurrentCulture = _culture;
            CultureInfo.CurrentUICulture = _uiCulture;
        }
    }
}
