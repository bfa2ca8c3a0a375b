using System.Xml.Linq;

namespace Leadgate.Browser.Tests;

/// <summary>Every text the UI shows exists in English and in Dutch, with the same placeholders.</summary>
public sealed class TranslationTests
{
    private static readonly string Resources = Path.Combine(RepositoryRoot(), "src", "Leadgate", "Resources");

    [Fact]
    public void EveryEnglishText_HasADutchTranslation_AndViceVersa()
    {
        var english = Texts("SharedResource.resx");
        var dutch = Texts("SharedResource.nl.resx");

        Assert.Empty(english.Keys.Except(dutch.Keys));
        Assert.Empty(dutch.Keys.Except(english.Keys));
        Assert.DoesNotContain(dutch, text => string.IsNullOrWhiteSpace(text.Value));
    }

    [Fact]
    public void EveryTranslation_KeepsThePlaceholdersOfTheEnglishText()
    {
        var english = Texts("SharedResource.resx");
        var dutch = Texts("SharedResource.nl.resx");

        var broken = english
            .Where(text => dutch.TryGetValue(text.Key, out var translation) && Placeholders(text.Value) != Placeholders(translation))
            .Select(text => text.Key);
        Assert.Empty(broken);
    }

    /// <summary>Keys the pages build from a member's name (<c>L[$"Webhooks.Event.{kind}"]</c>): every member has its text.</summary>
    [Fact]
    public void EveryKeyMadeFromAnEnumMember_HasItsText()
    {
        var english = Texts("SharedResource.resx");
        IEnumerable<string> Keys<T>(string prefix, IEnumerable<T>? members = null)
            where T : struct, Enum => (members ?? Enum.GetValues<T>()).Select(m => $"{prefix}.{m}");

        string[] keys =
        [
            .. Keys("Webhooks.Event", Notifications.HappeningKinds.Webhook),
            .. Keys<Scoring.BehaviourType>("Behaviour"),
            .. Keys<Pipeline.ForecastCategory>("ForecastCategory"),
            .. Keys<Pipeline.StakeholderRole>("StakeholderRole"),
            .. Keys<Pipeline.ObjectionCategory>("ObjectionCategory"),
            .. Keys<Pipeline.ProbabilitySource>("ProbabilitySource"),
            .. Keys<Pipeline.AttentionReason>("AttentionReason"),
            .. Keys<Pipeline.StageMeaning>("PipelineSettings.Meaning"),
            .. Keys<Leads.Stage>("Stage"),
            .. Keys<Leads.Stage>("StageCode"),
        ];
        Assert.DoesNotContain(keys, k => !english.ContainsKey(k));
    }

    private static Dictionary<string, string> Texts(string file) =>
        XDocument.Load(Path.Combine(Resources, file)).Root!.Elements("data")
            .ToDictionary(data => (string)data.Attribute("name")!, data => (string?)data.Element("value") ?? "");

    private static string Placeholders(string text) =>
        string.Join(',', System.Text.RegularExpressions.Regex.Matches(text, @"\{[^}]+\}").Select(m => m.Value).Order(StringComparer.Ordinal));

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Leadgate.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Run the tests inside the repository.");
    }
}
