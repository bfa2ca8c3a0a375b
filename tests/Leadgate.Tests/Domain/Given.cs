using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;

namespace Leadgate.Tests.Domain;

/// <summary>The kinds of actor the lifecycle table is walked with.</summary>
public enum ActorUnderTest
{
    MarketingUser,
    SalesUser,
    Manager,
    Admin,
    Rule,
    Import,
    System,
    ApiChannelUser,
}

/// <summary>Test data for the domain: one organisation, its people, and leads brought to a stage through the public API.</summary>
internal static class Given
{
    public static readonly Guid Organisation = Guid.Parse("0196a000-0000-7000-8000-000000000001");

    /// <summary>Monday 3 March 2025, 09:00 UTC: the start of every story.</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static readonly Actor Marketer = User("Mia Marketing", Roles.Marketing);

    public static readonly Actor Seller = User("Sam Sales", Roles.Sales);

    public static readonly Actor Manager = User("Max Manager", Roles.Manager);

    public static readonly Actor Admin = User("Ada Admin", Roles.Admin);

    public static readonly Actor ScoringRule = Actor.ForRule(Organisation, "Score at least 50");

    public static readonly Actor Import = Actor.ForImport(Organisation);

    public static readonly Actor System = Actor.ForSystem(Organisation);

    /// <summary>An integration calling the API with the key of a user who is neither marketing nor sales.</summary>
    public static readonly Actor Integration = User("Website form", [Roles.Manager], Channel.Api);

    public static Actor ActorFor(ActorUnderTest kind) => kind switch
    {
        ActorUnderTest.MarketingUser => Marketer,
        ActorUnderTest.SalesUser => Seller,
        ActorUnderTest.Manager => Manager,
        ActorUnderTest.Admin => Admin,
        ActorUnderTest.Rule => ScoringRule,
        ActorUnderTest.Import => Import,
        ActorUnderTest.System => System,
        ActorUnderTest.ApiChannelUser => Integration,
    };

    public static Actor User(string name, string role, Channel channel = Channel.Ui) => User(name, [role], channel);

    public static Actor User(string name, IEnumerable<string> roles, Channel channel = Channel.Ui) =>
        Actor.ForUser(Organisation, Guid.CreateVersion7(Start), name, roles, channel);

    public static Contact Contact(string email = "ada.lovelace@example.com", DateTimeOffset? at = null) =>
        Leads.Contact.Create(Organisation, EmailAddress.Parse(email).Value, at ?? Start);

    /// <summary>A new lead at Iql, created by the system.</summary>
    public static Lead NewLead(DateTimeOffset at) => Lead.Create(Contact(at: at), null, "website", null, System, at).Value;

    /// <summary>A lead marketing handed to sales at <paramref name="at"/>.</summary>
    public static Lead Mql(DateTimeOffset at)
    {
        var lead = NewLead(at.AddDays(-1));
        Succeeds(lead.MarkMql("Requested a demo", Marketer, at));
        return lead;
    }

    /// <summary>An MQL that sales called (connected), assessed with Need confirmed, and accepted: the deal is open.</summary>
    public static (Lead Lead, Deal Deal) Sql(DateTimeOffset at)
    {
        var lead = Mql(at.AddDays(-1));
        var call = Succeeds(lead.Log(ActivityType.Call, Direction.Outbound, ActivityOutcome.Connected, "Talked it through", null, Seller, at.AddHours(-1)));
        Succeeds(lead.RecordBant(NeedConfirmed, Seller, at.AddHours(-1)));
        var deal = Succeeds(lead.Accept(Terms, call, BantMinimum.Default, Seller, at));
        return (lead, deal);
    }

    public static (Lead Lead, Deal Deal) Opportunity(DateTimeOffset at)
    {
        var (lead, deal) = Sql(at.AddDays(-1));
        Succeeds(lead.RecordProposal(deal, 12_000m, Seller, at));
        return (lead, deal);
    }

    /// <summary>A lead sales sent back to marketing, optionally with a date to look again.</summary>
    public static Lead Nurture(DateTimeOffset at, DateOnly? revisitOn = null)
    {
        var lead = Mql(at.AddDays(-1));
        Succeeds(lead.Reject(Reason(ReasonKind.Rejection, "NotReadyToBuy"), null, revisitOn, Seller, at));
        return lead;
    }

    public static Bant NeedConfirmed => Bant.Unassessed with { Need = new NeedAssessment(BantStatus.Confirmed, "Their reporting takes a week") };

    public static DealTerms Terms => new(10_000m, "EUR", DateOnly.FromDateTime(Start.UtcDateTime).AddMonths(3));

    public static Reason Reason(ReasonKind kind, string code) =>
        Qualification.Reason.DefaultsFor(Organisation).Single(r => r.Kind == kind && r.Code == code);

    /// <summary>An activity of the lead, made through the factory that <see cref="Lead.Log"/> uses.</summary>
    public static Activity Activity(Lead lead, ActivityType type, Direction direction, ActivityOutcome? outcome, DateTimeOffset occurredAt) =>
        Succeeds(Qualification.Activity.Create(Organisation, lead.Id, lead.DealId, type, direction, outcome, null, occurredAt, Seller, occurredAt));

    public static T Succeeds<T>(Result<T> result)
    {
        Assert.True(result.IsSuccess, $"Expected success, got {result.Error?.GetType().Name}: {result.Error?.Message}");
        return result.Value;
    }

    public static TError Fails<T, TError>(Result<T> result)
        where TError : Error
    {
        Assert.False(result.IsSuccess, "Expected a refusal, but the action succeeded.");
        return Assert.IsType<TError>(result.Error);
    }

    public static IReadOnlyList<string> MissingCodes<T>(Result<T> result) =>
        [.. Fails<T, RequirementsMissing>(result).Missing.Select(m => m.Code)];
}
