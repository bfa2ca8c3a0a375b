using System.Text.Json;
using Leadgate.Intake.Outreach;

namespace Leadgate.Tests.Domain;

/// <summary>Each adapter reads its tool's documented payload (the fixtures in Api/OutreachTools) into Leadgate's terms.</summary>
public sealed class OutreachToolAdapterTests
{
    private static ToolEvent Read(string tool, string fixture)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Api", "OutreachTools", fixture + ".json"))
            .Replace("{{email}}", "femke@acme-logistics.nl", StringComparison.Ordinal)
            .Replace("{{secret}}", "whsec_test", StringComparison.Ordinal)
            .Replace("{{id}}", "abc123", StringComparison.Ordinal)
            .Replace("{{number}}", "9001", StringComparison.Ordinal)
            .Replace("{{deliveredAt}}", "2026-11-20T09:30:05", StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text);
        return ToolAdapter.ForPath(tool)!.Read(document.RootElement);
    }

    [Theory]
    [InlineData("lemlist", "emailsReplied", OutreachSignalKind.Reply)]
    [InlineData("instantly", "reply_received", OutreachSignalKind.Reply)]
    [InlineData("smartlead", "EMAIL_REPLY", OutreachSignalKind.Reply)]
    [InlineData("woodpecker", "prospect_replied", OutreachSignalKind.Reply)]
    [InlineData("replyio", "email_replied", OutreachSignalKind.Reply)]
    [InlineData("outreach", "mailing.replied", OutreachSignalKind.Reply)]
    public void AReply_IsReadWithThePersonAndItsTime(string tool, string name, OutreachSignalKind kind)
    {
        var read = Read(tool, $"{tool}.reply");

        Assert.Equal((name, kind, "femke@acme-logistics.nl", "Femke", "de Vries"), (read.Event, read.Kind!.Value, read.Email!, read.FirstName!, read.LastName!));
        // Smartlead's reply names the person only (to_name); its category change carries lead_data with the company.
        Assert.Equal(tool == "smartlead" ? null : "Acme Logistics", read.Company);
        Assert.NotNull(read.OccurredAt);
        Assert.True(tool == "outreach" || read.Campaign == "Q4 logistics outbound", $"{tool}: campaign {read.Campaign}");
    }

    [Fact]
    public void WoodpeckersOffsetWithoutAColon_IsUnderstood()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 30, 7, TimeSpan.Zero), Read("woodpecker", "woodpecker.reply").OccurredAt);
    }

    [Theory]
    [InlineData("lemlist", OutreachSignalKind.Interested)]
    [InlineData("instantly", OutreachSignalKind.Interested)]
    [InlineData("smartlead", OutreachSignalKind.Interested)]
    [InlineData("woodpecker", OutreachSignalKind.Interested)]
    [InlineData("replyio", OutreachSignalKind.Interested)]
    public void Interested_IsAHandRaise_AndNotInterestedIsNot(string tool, OutreachSignalKind kind)
    {
        Assert.Equal(kind, Read(tool, $"{tool}.interested").Kind);
        Assert.Equal(OutreachSignalKind.NotInterested, Read(tool, $"{tool}.not-interested").Kind);
    }

    [Fact]
    public void TheSecretsEchoedInTheBody_AreRead_AndOutreachsDeliveryTimeIsUtc()
    {
        Assert.Equal("whsec_test", Read("lemlist", "lemlist.reply").Secret);
        Assert.Equal("whsec_test", Read("smartlead", "smartlead.reply").Secret);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 30, 5, TimeSpan.Zero), Read("outreach", "outreach.reply").SentAt);
        Assert.Equal("mailing.replied:9001", Read("outreach", "outreach.reply").DeliveryId);
    }
}
