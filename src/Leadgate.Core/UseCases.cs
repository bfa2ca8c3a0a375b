using Leadgate.Accounts;
using Leadgate.Handover;
using Leadgate.Imports;
using Leadgate.Intake;
using Leadgate.Leads;
using Leadgate.Notifications;
using Leadgate.Pipeline;
using Leadgate.Qualification;
using Leadgate.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Leadgate;

/// <summary>Every use case, registered by name so a reader sees the whole list in one place.</summary>
public static class UseCases
{
    public static IServiceCollection AddLeadgateUseCases(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddTransient<CreateOrganisation>();
        services.AddTransient<GetOrganisation>();
        services.AddTransient<AddUser>();
        services.AddTransient<ListUsers>();
        services.AddTransient<CreateApiKey>();
        services.AddTransient<ListApiKeys>();
        services.AddTransient<RevokeApiKey>();
        services.AddTransient<AuthenticateApiKey>();
        services.TryAddSingleton<ApiKeyCache>();

        services.AddTransient<CreateLead>();
        services.AddTransient<GetLead>();
        services.AddTransient<ListLeads>();
        services.AddTransient<ListSourceStages>();
        services.AddTransient<UpdateLead>();
        services.AddTransient<MarkMql>();

        services.AddTransient<ImportLeads>();
        services.AddTransient<GetImport>();
        services.AddTransient<ListImports>();

        services.AddTransient<LogActivity>();
        services.AddTransient<RecordBant>();
        services.AddTransient<AcceptLead>();
        services.AddTransient<RejectLead>();
        services.AddTransient<DisqualifyLead>();
        services.AddTransient<AssignLead>();
        services.AddTransient<ListReasons>();
        services.AddTransient<GetQualificationSettings>();
        services.AddTransient<ChangeQualificationSettings>();
        services.AddTransient<ListSqlPriority>();
        services.AddTransient<GetFeedback>();

        services.AddTransient<Agency.InviteClient>();
        services.AddTransient<Agency.ListAgencyLinks>();
        services.AddTransient<Agency.AcceptAgencyLink>();
        services.AddTransient<Agency.EndAgencyLink>();
        services.AddTransient<Agency.HandOverLead>();
        services.AddTransient<Agency.ListHandovers>();
        services.AddTransient<Agency.GetScorecard>();
        services.AddTransient<Agency.ListWaitingReplies>();
        services.AddTransient<Agency.NameAgencyLeads>();
        services.AddTransient<Agency.GetCampaignRules>();
        services.AddTransient<Agency.ChangeCampaignRules>();
        services.AddTransient<Agency.HandOverByCampaign>();

        services.AddTransient<GetInbox>();
        services.AddTransient<ClaimLead>();
        services.AddTransient<GetRouting>();
        services.AddTransient<ChangeRouting>();
        services.AddTransient<SetAvailability>();
        services.AddTransient<GetSla>();
        services.AddTransient<ChangeSla>();
        services.AddTransient<HandoverClock>();

        services.AddTransient<RecordEvents>();
        services.AddTransient<ImportEvents>();
        services.TryAddSingleton<ScoringModelCache>();
        services.TryAddSingleton<EventWriter>();
        services.AddTransient<GetScoringModel>();
        services.AddTransient<ChangeScoringModel>();
        services.AddTransient<PreviewScoringModel>();
        services.AddTransient<GetRescoreProgress>();
        services.AddTransient<RescoreLeads>();
        services.AddTransient<SweepDecay>();
        services.TryAddSingleton<RescoreSignal>();

        services.AddTransient<CreateWebhookSource>();
        services.AddTransient<ListWebhookSources>();
        services.AddTransient<DeleteWebhookSource>();
        services.AddTransient<RotateWebhookSource>();
        services.AddTransient<ReceiveOutreachWebhook>();
        services.AddTransient<Intake.Outreach.RecordOutreachEvent>();
        services.AddTransient<Intake.Outreach.ReceiveToolWebhook>();
        services.AddTransient<CreateWebForm>();
        services.AddTransient<ListWebForms>();
        services.AddTransient<DeleteWebForm>();
        services.AddTransient<SubmitWebForm>();

        services.AddTransient<ListNotifications>();
        services.AddTransient<MarkNotificationsRead>();
        services.AddTransient<CreateWebhookSubscription>();
        services.AddTransient<ListWebhookSubscriptions>();
        services.AddTransient<DeleteWebhookSubscription>();
        services.AddTransient<ListWebhookDeliveries>();
        services.AddTransient<DeliverWebhooks>();
        services.TryAddSingleton(provider => new WebhookPoster(new HttpClient(WebhookAddresses.Handler(provider.GetRequiredService<IOptions<WebhookOptions>>().Value))
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        }));

        services.AddTransient<Prediction.TrainModel>();
        services.AddTransient<Prediction.ActivateModel>();
        services.AddTransient<Prediction.ListModels>();
        services.TryAddSingleton<Prediction.RunPredictionSchedule>();

        services.AddTransient<GetDeal>();
        services.AddTransient<ReviseDeal>();
        services.AddTransient<RecordProposal>();
        services.AddTransient<MoveDeal>();
        services.AddTransient<ListDeals>();
        services.AddTransient<GetDealHistory>();
        services.AddTransient<AddStakeholder>();
        services.AddTransient<RemoveStakeholder>();
        services.AddTransient<GetPipelines>();
        services.AddTransient<ChangePipelines>();
        services.AddTransient<GetExchangeRates>();
        services.AddTransient<ChangeExchangeRates>();
        services.AddTransient<GetBoard>();
        services.AddTransient<Reports.GetFunnel>();
        services.AddTransient<Reports.GetForecast>();
        services.AddTransient<Reports.GetTrends>();
        services.AddTransient<Reports.GetCohorts>();
        services.AddTransient<Reports.GetVelocity>();
        services.AddTransient<Reports.GetReasons>();
        services.AddTransient<Reports.GetResponse>();
        services.AddTransient<Reports.GetSources>();
        services.AddTransient<Reports.GetWinRate>();
        services.AddTransient<Reports.GetPipelineReport>();
        services.AddTransient<ListAttention>();
        services.AddTransient<LogDealActivity>();
        services.AddTransient<CompleteDealActivity>();
        services.AddTransient<SweepStaleDeals>();
        services.AddTransient<RaiseObjection>();
        services.AddTransient<ExportDeals>();
        services.AddTransient<AnswerObjection>();
        services.AddTransient<MarkDealWon>();
        services.AddTransient<MarkDealLost>();

        services.TryAddSingleton<Privacy.SuppressionList>();
        services.AddTransient<Privacy.ErasePerson>();
        services.AddTransient<Privacy.ExportPerson>();
        services.AddTransient<Privacy.ListAudit>();
        services.AddTransient<MergeLead>();
        services.AddTransient<MergeCompany>();
        services.AddTransient<Privacy.GetRetention>();
        services.AddTransient<Privacy.ChangeRetention>();
        services.AddTransient<Privacy.DryRunRetention>();
        services.TryAddSingleton<Privacy.SweepRetention>();
        return services;
    }
}
