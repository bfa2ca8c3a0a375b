using Leadgate.Client;
using Leadgate.Client.Models;
using Leadgate.Tests.Infrastructure;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace Leadgate.Tests.Client.Typed;

/// <summary>
/// Issue 15, acceptance 4: the client Kiota generates from the app's document walks a lead's lifecycle, follows the
/// API's write protocol (ETag and If-Match) and reads the API's errors as the typed <see cref="Problem"/>. Compiled only
/// when the document has a Problem schema (OpenApiDocumentTests.TheGeneratedClient_HasATypedProblem fails until then).
/// </summary>
public sealed class TypedClientTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static CreateLeadRequest NewLead() => new()
    {
        Email = $"{Guid.NewGuid():N}@lead.example.com",
        FirstName = "Femke",
        LastName = "de Vries",
        JobTitle = "Head of Operations",
        Source = "Website",
        Company = new CompanyRequest { Name = "Acme B.V.", Domain = $"{Guid.NewGuid():N}.example.nl", Country = "NL" },
    };

    private static Date InDays(int days) => new(DateTime.UtcNow.Date.AddDays(days));

    [Fact]
    public async Task TheLifecycle_FromNewLeadToWonDeal()
    {
        var tenant = await app.NewTenantAsync();
        var marketing = TypedClient.For(app, tenant.Members["marketing"]);
        var sales = TypedClient.For(app, tenant.Members["sales"]);

        var created = await marketing.Api.V1.Leads.PostAsync(NewLead(), cancellationToken: Cancel);
        var id = created!.Id!.Value;
        Assert.Equal("Iql", created.Stage.ToString());

        var mql = await marketing.Api.V1.Leads[id].MarkMql.PostAsync(new MarkMqlRequest { Reason = "Downloaded the pricing guide and asked for a call" }, cancellationToken: Cancel);
        Assert.Equal("Mql", mql!.Stage.ToString());

        var call = await sales.Api.V1.Leads[id].Activities.PostAsync(new LogActivityRequest
        {
            Type = ActivityType.Call,
            Direction = Direction.Outbound,
            Outcome = ActivityOutcome.Connected,
            Notes = "Talked about their planning problem",
        }, cancellationToken: Cancel);
        Assert.Equal(ActivityOutcome.Connected, call!.Outcome);

        var bant = await sales.Api.V1.Leads[id].Bant.PutAsync(new RecordBantRequest
        {
            Budget = new BudgetRequest { Status = BantStatus.Confirmed, Amount = 25_000, Note = "Budget for this year" },
            Authority = new AuthorityRequest { Status = BantStatus.Confirmed, Name = "Jan Jansen", Role = "CFO" },
            Need = new BantDimensionRequest { Status = BantStatus.Confirmed, Note = "Manual planning costs them two days a week" },
            Timeline = new TimelineRequest { Status = BantStatus.Confirmed, Date = InDays(90) },
        }, cancellationToken: Cancel);
        Assert.NotNull(bant);

        var accepted = await sales.Api.V1.Leads[id].Accept.PostAsync(new AcceptLeadRequest { DealValue = 24_000, Currency = "EUR", ExpectedCloseDate = InDays(60) }, cancellationToken: Cancel);
        Assert.Equal("Sql", accepted!.Stage.ToString());
        var dealId = accepted.DealId!.Value;

        var proposal = await sales.Api.V1.Deals[dealId].Proposal.PostAsync(new RecordProposalRequest { Amount = 23_500 }, cancellationToken: Cancel);
        Assert.Equal(23_500, Convert.ToDouble(proposal!.ProposalAmount, System.Globalization.CultureInfo.InvariantCulture));
        var quoted = await sales.Api.V1.Leads[id].GetAsync(cancellationToken: Cancel);
        Assert.Equal("Opportunity", quoted!.Stage.ToString());

        var won = await sales.Api.V1.Deals[dealId].Won.PostAsync(new MarkDealWonRequest { Amount = 23_000 }, cancellationToken: Cancel);
        Assert.Equal("Won", won!.Status.ToString());

        var lead = await sales.Api.V1.Leads[id].GetAsync(cancellationToken: Cancel);
        Assert.Equal("Customer", lead!.Stage.ToString());
    }

    [Fact]
    public async Task AFieldError_IsAProblem_WithTheFieldUnderErrors()
    {
        var tenant = await app.NewTenantAsync();
        var marketing = TypedClient.For(app, tenant.Members["marketing"]);
        var lead = NewLead();
        lead.Email = "not an email";

        var problem = await Assert.ThrowsAsync<Problem>(() => marketing.Api.V1.Leads.PostAsync(lead, cancellationToken: Cancel));

        Assert.Equal(400, problem.ResponseStatusCode);
        Assert.Equal("https://leadgate.dev/problems/validation", problem.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        Assert.False(string.IsNullOrWhiteSpace(problem.TraceId));
        Assert.Contains("email", problem.Errors!.AdditionalData.Keys);
    }

    [Fact]
    public async Task ARefusedTransition_IsAProblem_NamingTheTransition()
    {
        var tenant = await app.NewTenantAsync();
        var sales = TypedClient.For(app, tenant.Members["sales"]);
        var created = await TypedClient.For(app, tenant.Members["marketing"]).Api.V1.Leads.PostAsync(NewLead(), cancellationToken: Cancel);

        // A new lead (IQL) cannot be accepted as an opportunity: it has not been an MQL.
        var problem = await Assert.ThrowsAsync<Problem>(() => sales.Api.V1.Leads[created!.Id!.Value].Accept.PostAsync(
            new AcceptLeadRequest { DealValue = 24_000, Currency = "EUR", ExpectedCloseDate = InDays(60) }, cancellationToken: Cancel));

        Assert.Equal(409, problem.ResponseStatusCode);
        Assert.StartsWith("https://leadgate.dev/problems/transition-", problem.Type, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Fact]
    public async Task AStaleIfMatch_IsA412Problem_WithTheCurrentETag_WhichThenSucceeds()
    {
        var tenant = await app.NewTenantAsync();
        var marketing = TypedClient.For(app, tenant.Members["marketing"]);
        var created = await marketing.Api.V1.Leads.PostAsync(NewLead(), cancellationToken: Cancel);
        var lead = marketing.Api.V1.Leads[created!.Id!.Value];

        // The ETag as the client reads it, through Kiota's headers inspection.
        var inspection = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        await lead.GetAsync(c => c.Options.Add(inspection), Cancel);
        var stale = Assert.Single(inspection.ResponseHeaders["ETag"]);

        await lead.MarkMql.PostAsync(new MarkMqlRequest { Reason = "Asked for a demo" }, c => c.Headers.Add("If-Match", stale), Cancel);

        var problem = await Assert.ThrowsAsync<Problem>(() => lead.MarkMql.PostAsync(new MarkMqlRequest { Reason = "Asked again" }, c => c.Headers.Add("If-Match", stale), Cancel));
        Assert.Equal(412, problem.ResponseStatusCode);
        Assert.False(string.IsNullOrWhiteSpace(problem.CurrentETag));
        Assert.NotEqual(stale, problem.CurrentETag);

        var current = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        await lead.GetAsync(c => c.Options.Add(current), Cancel);
        Assert.Equal(problem.CurrentETag, Assert.Single(current.ResponseHeaders["ETag"]));
    }
}
