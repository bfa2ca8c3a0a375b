using Leadgate.Accounts;
using Leadgate.Handover;
using Leadgate.Imports;
using Leadgate.Intake;
using Leadgate.Leads;
using Leadgate.Notifications;
using Leadgate.Pipeline;
using Leadgate.Qualification;
using Leadgate.Scoring;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Data;

/// <summary>
/// The one model. Each provider has a subclass with its own migration set (<see cref="SqliteLeadgateDbContext"/>,
/// <see cref="PostgresLeadgateDbContext"/>); handlers only ever see this type. It also keeps the data-protection keys,
/// so sign-in cookies survive restarts and are valid on every app instance.
/// </summary>
public abstract class LeadgateDbContext(DbContextOptions options) : IdentityDbContext<User, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Lead> Leads => Set<Lead>();

    public DbSet<Contact> Contacts => Set<Contact>();

    public DbSet<Company> Companies => Set<Company>();

    public DbSet<StageEvent> StageEvents => Set<StageEvent>();

    public DbSet<Reports.LeadFunnel> LeadFunnels => Set<Reports.LeadFunnel>();

    public DbSet<Activity> Activities => Set<Activity>();

    public DbSet<Deal> Deals => Set<Deal>();

    public DbSet<SalesPipeline> Pipelines => Set<SalesPipeline>();

    public DbSet<PipelineStage> PipelineStages => Set<PipelineStage>();

    public DbSet<Stakeholder> Stakeholders => Set<Stakeholder>();

    public DbSet<DealChange> DealChanges => Set<DealChange>();

    public DbSet<ScheduledActivity> ScheduledActivities => Set<ScheduledActivity>();

    public DbSet<ExchangeRate> ExchangeRates => Set<ExchangeRate>();

    public DbSet<Objection> Objections => Set<Objection>();

    public DbSet<Reason> Reasons => Set<Reason>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<BehaviourEvent> BehaviourEvents => Set<BehaviourEvent>();

    public DbSet<ScoringSettings> ScoringSettings => Set<ScoringSettings>();

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportProblem> ImportProblems => Set<ImportProblem>();

    public DbSet<WebhookSource> WebhookSources => Set<WebhookSource>();

    public DbSet<Intake.Outreach.OutreachSignal> OutreachSignals => Set<Intake.Outreach.OutreachSignal>();

    public DbSet<WebForm> WebForms => Set<WebForm>();

    public DbSet<Consent> Consents => Set<Consent>();

    public DbSet<RescoreJob> RescoreJobs => Set<RescoreJob>();

    public DbSet<Happening> Happenings => Set<Happening>();

    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<HandoverSettings> HandoverSettings => Set<HandoverSettings>();

    public DbSet<SalesRep> SalesReps => Set<SalesRep>();

    public DbSet<LeadHandover> Handovers => Set<LeadHandover>();

    public DbSet<Assignment> Assignments => Set<Assignment>();

    public DbSet<DecaySweep> DecaySweeps => Set<DecaySweep>();

    public DbSet<Prediction.PredictionModel> PredictionModels => Set<Prediction.PredictionModel>();

    public DbSet<Prediction.LeadLikelihood> LeadLikelihoods => Set<Prediction.LeadLikelihood>();

    public DbSet<Prediction.PredictionSchedule> PredictionSchedules => Set<Prediction.PredictionSchedule>();

    public DbSet<Privacy.Suppression> Suppressions => Set<Privacy.Suppression>();

    public DbSet<Privacy.PrivacyKey> PrivacyKeys => Set<Privacy.PrivacyKey>();

    public DbSet<Privacy.AuditEntry> AuditEntries => Set<Privacy.AuditEntry>();

    public DbSet<Privacy.RetentionPolicy> RetentionPolicies => Set<Privacy.RetentionPolicy>();

    public DbSet<Agency.AgencyLink> AgencyLinks => Set<Agency.AgencyLink>();

    public DbSet<Agency.AgencyHandover> AgencyHandovers => Set<Agency.AgencyHandover>();

    public abstract DatabaseProvider Provider { get; }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveKeepingFunnelsAsync(_ => Task.FromResult(base.SaveChanges(acceptAllChangesOnSuccess)), CancellationToken.None).GetAwaiter().GetResult();

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        SaveKeepingFunnelsAsync(token => base.SaveChangesAsync(acceptAllChangesOnSuccess, token), cancellationToken);

    /// <summary>
    /// Routes new MQLs and stamps versions before the save; after it, in the same transaction, adds the new stage events to
    /// their leads' funnel rows (<see cref="Reports.LeadFunnel.KeepAsync"/>), so a save never leaves the reports behind.
    /// </summary>
    private async Task<int> SaveKeepingFunnelsAsync(Func<CancellationToken, Task<int>> save, CancellationToken cancellationToken)
    {
        await RouteNewMqlsAsync(cancellationToken);
        var stageEvents = StampVersions();
        if (stageEvents.Count == 0)
        {
            return await save(cancellationToken);
        }

        await using var transaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        var saved = await save(cancellationToken);
        await Reports.LeadFunnel.KeepAsync(this, stageEvents, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return saved;
    }

    /// <summary>
    /// The one hook of routing: every lead that became an MQL since the last save gets its owner and response clock
    /// before it is written (<see cref="HandoverRouting"/>). Costs nothing when no lead became an MQL.
    /// </summary>
    internal async Task RouteNewMqlsAsync(CancellationToken cancellationToken)
    {
        ChangeTracker.DetectChanges();
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            List<LeadHandover>? pending = null;
            foreach (var entry in ChangeTracker.Entries<LeadHandover>())
            {
                if (entry.State == EntityState.Added && entry.Entity.AwaitsRouting)
                {
                    (pending ??= []).Add(entry.Entity);
                }
            }

            if (pending is not null)
            {
                await HandoverRouting.RouteAsync(this, pending, cancellationToken);
                ChangeTracker.DetectChanges();
            }
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name, so the database reads like the glossary and survives reordering.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<decimal>().HavePrecision(18, 2);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<User>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(200);
            user.HasOne<Organisation>().WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Organisation>(org =>
        {
            org.Property(o => o.Slug).HasMaxLength(40);
            org.HasIndex(o => o.Slug).IsUnique();
            org.Property(o => o.Name).HasMaxLength(200);
            org.Property(o => o.DefaultCurrency).HasMaxLength(3);
            org.Property(o => o.TimeZone).HasMaxLength(64);
            org.ComplexProperty(o => o.SqlMinimum);
        });

        builder.Entity<ApiKey>(key =>
        {
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.HasIndex(k => k.Prefix).IsUnique();
            key.Property(k => k.Hash).HasMaxLength(32);
            key.HasIndex(k => new { k.OrganisationId, k.UserId });
            key.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
            key.HasOne<Organisation>().WithMany().HasForeignKey(k => k.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Contact>(contact =>
        {
            contact.Property(c => c.Email).HasMaxLength(254);
            contact.HasIndex(c => new { c.OrganisationId, c.Email }).IsUnique();
            contact.Property(c => c.FirstName).HasMaxLength(100);
            contact.Property(c => c.LastName).HasMaxLength(100);
            contact.Property(c => c.JobTitle).HasMaxLength(200);
            contact.Property(c => c.Phone).HasMaxLength(50);
            contact.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Company>(company =>
        {
            company.Property(c => c.Name).HasMaxLength(200);
            company.Property(c => c.Domain).HasMaxLength(253);
            company.HasIndex(c => new { c.OrganisationId, c.Domain }).IsUnique();
            company.Property(c => c.Industry).HasMaxLength(100);
            company.Property(c => c.Country).HasMaxLength(2);
            company.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Lead>(lead =>
        {
            lead.HasOne(l => l.Contact).WithOne().HasForeignKey<Lead>(l => l.ContactId).OnDelete(DeleteBehavior.Restrict);
            lead.HasIndex(l => l.ContactId).IsUnique();
            lead.HasOne(l => l.Company).WithMany().HasForeignKey(l => l.CompanyId).OnDelete(DeleteBehavior.SetNull);
            lead.HasOne<Organisation>().WithMany().HasForeignKey(l => l.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            lead.HasOne<User>().WithMany().HasForeignKey(l => l.OwnerId).OnDelete(DeleteBehavior.SetNull);
            // Partial indexes hold only the rows their reads look for. Most leads have no owner (every new lead, every
            // unrouted one) and no source stage (all but imported ones): whole indexes wrote an entry per lead that no
            // read used. A filter on a value (OwnerId = x, SourceStage > y) implies IS NOT NULL on both databases.
            lead.HasIndex(l => l.OwnerId).HasFilter(NotNull(nameof(Lead.OwnerId)));
            lead.Property(l => l.Source).HasMaxLength(100);
            lead.Property(l => l.Campaign).HasMaxLength(200);
            lead.Property(l => l.SourceStage).HasMaxLength(100);
            // The list's filter by source stage, and the values it offers (decision 0007).
            lead.HasIndex(l => new { l.OrganisationId, l.SourceStage }).HasFilter(NotNull(nameof(Lead.SourceStage)));
            lead.Property(l => l.SearchText).HasMaxLength(1000);
            lead.Property(l => l.BantAssessedBy).HasMaxLength(200);
            lead.Property(l => l.Version).IsConcurrencyToken();
            // The list's default order, and the order in which rescoring and the decay sweep walk an organisation's leads a
            // chunk at a time (ScoreChunks' LeadPosition): one index for both.
            lead.HasIndex(l => new { l.OrganisationId, l.CreatedAt, l.Id });
            lead.HasIndex(l => new { l.OrganisationId, l.Stage });
            lead.HasIndex(l => new { l.OrganisationId, l.OwnerId }).HasFilter(NotNull(nameof(Lead.OwnerId)));
            // Scores are stored as floating point, so SQLite (which keeps decimals as text) sorts and filters them as numbers.
            lead.Property(l => l.FitScore).HasConversion<double?>();
            lead.Property(l => l.EngagementScore).HasConversion<double>();
            lead.HasIndex(l => new { l.OrganisationId, l.FitScore });
            lead.HasIndex(l => new { l.OrganisationId, l.EngagementScore });
            lead.ComplexProperty(l => l.Bant, bant =>
            {
                bant.ComplexProperty(b => b.Budget, d => d.Property(x => x.Note).HasMaxLength(2000));
                bant.ComplexProperty(b => b.Authority, d =>
                {
                    d.Property(x => x.Note).HasMaxLength(2000);
                    d.Property(x => x.Name).HasMaxLength(200);
                    d.Property(x => x.Role).HasMaxLength(200);
                });
                bant.ComplexProperty(b => b.Need, d => d.Property(x => x.Note).HasMaxLength(2000));
                bant.ComplexProperty(b => b.Timeline, d => d.Property(x => x.Note).HasMaxLength(2000));
            });
            lead.HasMany(l => l.History).WithOne().HasForeignKey(e => e.LeadId).OnDelete(DeleteBehavior.Cascade);
            lead.Navigation(l => l.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);
            lead.HasMany(l => l.Activities).WithOne().HasForeignKey(a => a.LeadId).OnDelete(DeleteBehavior.Cascade);
            lead.Navigation(l => l.Activities).HasField("_activities").UsePropertyAccessMode(PropertyAccessMode.Field);
            lead.HasMany(l => l.Happenings).WithOne().HasForeignKey(h => h.LeadId).OnDelete(DeleteBehavior.Cascade);
            lead.Navigation(l => l.Happenings).HasField("_happenings").UsePropertyAccessMode(PropertyAccessMode.Field);
            lead.HasMany(l => l.Handovers).WithOne().HasForeignKey(h => h.LeadId).OnDelete(DeleteBehavior.Cascade);
            lead.Navigation(l => l.Handovers).HasField("_handovers").UsePropertyAccessMode(PropertyAccessMode.Field);
            lead.HasMany(l => l.Assignments).WithOne().HasForeignKey(a => a.LeadId).OnDelete(DeleteBehavior.Cascade);
            lead.Navigation(l => l.Assignments).HasField("_assignments").UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        builder.Entity<StageEvent>(e =>
        {
            e.Property(x => x.ActorName).HasMaxLength(200);
            e.Property(x => x.Reason).HasMaxLength(200);
            e.Property(x => x.Note).HasMaxLength(2000);
            e.HasIndex(x => new { x.LeadId, x.At });
            e.HasIndex(x => new { x.OrganisationId, x.At });
            // The funnel's entries and exits in a period and the reasons report's exits, read from the index alone.
            e.HasIndex(x => new { x.OrganisationId, x.To, x.At, x.From, x.ActorKind, x.Reason });
        });

        builder.Entity<Activity>(a =>
        {
            a.Property(x => x.Notes).HasMaxLength(Activity.MaxNotesLength);
            a.Property(x => x.ActorName).HasMaxLength(200);
            a.HasIndex(x => new { x.LeadId, x.OccurredAt });
        });

        builder.Entity<Deal>(deal =>
        {
            deal.Property(d => d.Title).HasMaxLength(200);
            deal.Property(d => d.Currency).HasMaxLength(3);
            deal.Property(d => d.LostReason).HasMaxLength(100);
            deal.Property(d => d.LostNote).HasMaxLength(2000);
            deal.Property(d => d.Version).IsConcurrencyToken();
            deal.HasIndex(d => d.LeadId).IsUnique();
            deal.HasOne<Lead>().WithMany().HasForeignKey(d => d.LeadId).OnDelete(DeleteBehavior.Cascade);
            deal.HasIndex(d => new { d.OrganisationId, d.Status });
            deal.Property(d => d.NextStepText).HasMaxLength(Deal.MaxNextStepLength);
            deal.Property(d => d.ProposalReference).HasMaxLength(Deal.MaxProposalReferenceLength);
            deal.Property(d => d.Competitor).HasMaxLength(Deal.MaxCompetitorLength);
            // The board reads an organisation's open deals by stage.
            deal.HasIndex(d => new { d.OrganisationId, d.StageId, d.Status });
            deal.HasMany(d => d.Stakeholders).WithOne().HasForeignKey(s => s.DealId).OnDelete(DeleteBehavior.Cascade);
            deal.Navigation(d => d.Stakeholders).HasField("_stakeholders").UsePropertyAccessMode(PropertyAccessMode.Field);
            deal.HasMany(d => d.History).WithOne().HasForeignKey(c => c.DealId).OnDelete(DeleteBehavior.Cascade);
            deal.Navigation(d => d.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        builder.Entity<SalesPipeline>(pipeline =>
        {
            pipeline.ToTable("Pipelines");
            pipeline.Property(p => p.Name).HasMaxLength(100);
            pipeline.HasIndex(p => new { p.OrganisationId, p.Position });
            pipeline.HasOne<Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            pipeline.HasMany(p => p.Stages).WithOne().HasForeignKey(s => s.PipelineId).OnDelete(DeleteBehavior.Cascade);
            pipeline.Navigation(p => p.Stages).HasField("_stages").UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        builder.Entity<PipelineStage>(stage =>
        {
            stage.Property(s => s.Name).HasMaxLength(100);
            stage.Property(s => s.Requires).HasMaxLength(500);
        });

        builder.Entity<Stakeholder>(stakeholder =>
        {
            stakeholder.HasIndex(s => new { s.DealId, s.ContactId, s.Role }).IsUnique();
            stakeholder.HasOne<Contact>().WithMany().HasForeignKey(s => s.ContactId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ScheduledActivity>(scheduled =>
        {
            scheduled.Property(x => x.Notes).HasMaxLength(Activity.MaxNotesLength);
            scheduled.Property(x => x.ActorName).HasMaxLength(200);
            // Keep-warm asks per deal for an undone activity due ahead; the timeline lists a deal's by due time.
            scheduled.HasIndex(x => new { x.DealId, x.DueAt });
            scheduled.HasOne<Deal>().WithMany().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Objection>(objection =>
        {
            objection.Property(o => o.Text).HasMaxLength(Objection.MaxTextLength);
            objection.Property(o => o.Answer).HasMaxLength(Objection.MaxTextLength);
            objection.Property(o => o.RaisedByName).HasMaxLength(200);
            objection.Property(o => o.AnsweredByName).HasMaxLength(200);
            objection.Ignore(o => o.Answered);
            objection.HasIndex(o => new { o.DealId, o.RaisedAt });
            objection.HasOne<Deal>().WithMany().HasForeignKey(o => o.DealId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ExchangeRate>(rate =>
        {
            rate.HasKey(r => new { r.OrganisationId, r.Currency });
            rate.Property(r => r.Currency).HasMaxLength(3);
            rate.Property(r => r.Rate).HasPrecision(18, 8);
            rate.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DealChange>(change =>
        {
            change.Property(c => c.ActorName).HasMaxLength(200);
            change.Property(c => c.Currency).HasMaxLength(3);
            change.HasIndex(c => new { c.DealId, c.At });
            change.HasIndex(c => new { c.OrganisationId, c.At });
        });

        builder.Entity<Reason>(reason =>
        {
            reason.Property(r => r.Code).HasMaxLength(50);
            reason.Property(r => r.Label).HasMaxLength(200);
            reason.HasIndex(r => new { r.OrganisationId, r.Kind, r.Code }).IsUnique();
            reason.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<IdempotencyRecord>(record =>
        {
            record.HasKey(r => new { r.OrganisationId, r.UserId, r.Key });
            record.Property(r => r.Key).HasMaxLength(200);
            record.Property(r => r.RequestHash).HasMaxLength(64);
            record.Property(r => r.Location).HasMaxLength(500);
            record.Property(r => r.ETag).HasMaxLength(100);
            record.Property(r => r.ContentType).HasMaxLength(100);
            record.HasIndex(r => r.CreatedAt);
        });

        builder.Entity<BehaviourEvent>(e =>
        {
            e.Property(x => x.ExternalId).HasMaxLength(BehaviourEvent.MaxExternalIdLength);
            e.HasIndex(x => new { x.OrganisationId, x.ExternalId }).IsUnique();
            // Scoring reads a lead's events as (type, time) only: with the type in the index it never visits the table's rows.
            e.HasIndex(x => new { x.LeadId, x.OccurredAt, x.Type });
            e.Property(x => x.BodyHash).HasMaxLength(64);
            e.HasOne<Lead>().WithMany().HasForeignKey(x => x.LeadId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ScoringSettings>(settings =>
        {
            settings.HasKey(s => s.OrganisationId);
            settings.Property(s => s.ChangedBy).HasMaxLength(200);
            settings.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DecaySweep>(sweep =>
        {
            sweep.HasKey(s => s.OrganisationId);
            sweep.Property(s => s.LeaseOwner).HasMaxLength(200);
            sweep.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        ImportJob.Configure(builder);
        Handover.HandoverSettings.Configure(builder);
        Prediction.PredictionModel.Configure(builder);
        Privacy.PrivacyKey.Configure(builder);
        Privacy.AuditEntry.Configure(builder);
        Intake.Outreach.OutreachSignal.Configure(builder);
        Privacy.RetentionPolicy.Configure(builder);
        builder.Entity<Reports.LeadFunnel>(funnel =>
        {
            // Derived from the stage events, never tracked: their writers add to it (LeadFunnel.KeepAsync), and the database's
            // triggers count a lead again when its events are moved, changed or deleted (Data/Migrations/LeadFunnelTriggers.cs).
            // Keyed by organisation first: a report reads one organisation's rows as one range (on SQLite a clustered
            // WITHOUT ROWID table, so the range is read in order, not row by row through an index).
            funnel.HasKey(f => new { f.OrganisationId, f.LeadId });
        });

        builder.Entity<WebhookSource>(source =>
        {
            source.Property(s => s.Name).HasMaxLength(WebhookSource.MaxNameLength);
            source.Property(s => s.Tool).HasDefaultValue(Intake.Outreach.OutreachTool.Generic).HasSentinel((Intake.Outreach.OutreachTool)(-1));
            source.Property(s => s.Key).HasMaxLength(40);
            source.HasIndex(s => s.Key).IsUnique();
            source.Property(s => s.ProtectedSecret).HasMaxLength(2_000);
            source.HasIndex(s => s.OrganisationId);
            source.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<WebForm>(form =>
        {
            form.Property(f => f.Name).HasMaxLength(WebForm.MaxNameLength);
            form.Property(f => f.Key).HasMaxLength(40);
            form.HasIndex(f => f.Key).IsUnique();
            form.Property(f => f.ConsentText).HasMaxLength(WebForm.MaxConsentTextLength);
            form.Property(f => f.ConsentVersion).HasMaxLength(64);
            form.Property(f => f.RedirectUrl).HasMaxLength(WebForm.MaxRedirectLength);
            form.HasIndex(f => f.OrganisationId);
            form.HasOne<Organisation>().WithMany().HasForeignKey(f => f.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Consent>(consent =>
        {
            consent.Property(c => c.FormName).HasMaxLength(WebForm.MaxNameLength);
            consent.Property(c => c.Text).HasMaxLength(WebForm.MaxConsentTextLength);
            consent.Property(c => c.TextVersion).HasMaxLength(64);
            consent.HasIndex(c => new { c.ContactId, c.GivenAt });
            // Erasing the person erases their consent records with them; the form may be deleted and the record stays.
            consent.HasOne<Contact>().WithMany().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
            consent.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<RescoreJob>(job =>
        {
            job.HasKey(j => j.OrganisationId);
            job.Property(j => j.Generation).IsConcurrencyToken();
            job.Property(j => j.LeaseOwner).HasMaxLength(200);
            job.Property(j => j.RequestedBy).HasMaxLength(200);
            job.HasIndex(j => j.Status);
            job.HasOne<Organisation>().WithMany().HasForeignKey(j => j.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Happening>(happening =>
        {
            happening.Property(h => h.Payload).HasMaxLength(4_000);
            happening.HasIndex(h => h.LeadId);
            // The bell: a user's notifications, newest first, and the unread count.
            happening.HasIndex(h => new { h.RecipientUserId, h.ReadAt });
            // The fan-out's queue.
            happening.HasIndex(h => new { h.WebhookPending, h.Id });
            happening.HasOne<Organisation>().WithMany().HasForeignKey(h => h.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            happening.HasOne<User>().WithMany().HasForeignKey(h => h.RecipientUserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<WebhookSubscription>(subscription =>
        {
            subscription.Property(s => s.Url).HasMaxLength(WebhookSubscription.MaxUrlLength);
            subscription.Property(s => s.Events).HasMaxLength(200);
            subscription.Property(s => s.ProtectedSecret).HasMaxLength(2_000);
            subscription.Property(s => s.CreatedBy).HasMaxLength(200);
            subscription.Ignore(s => s.Kinds);
            subscription.HasIndex(s => s.OrganisationId);
            subscription.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<WebhookDelivery>(delivery =>
        {
            delivery.Property(d => d.Event).HasMaxLength(32);
            delivery.Property(d => d.Body).HasMaxLength(8_000);
            delivery.Property(d => d.LastError).HasMaxLength(300);
            delivery.HasIndex(d => new { d.HappeningId, d.SubscriptionId }).IsUnique();
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
            delivery.HasIndex(d => new { d.SubscriptionId, d.Id });
            delivery.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
            delivery.HasOne<Happening>().WithMany().HasForeignKey(d => d.HappeningId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Agency.AgencyLink>(link =>
        {
            link.Property(l => l.RoutingTeam).HasMaxLength(Agency.AgencyLink.MaxTeamLength);
            link.Property(l => l.ResponseHours).HasPrecision(6, 2);
            link.Property(l => l.InvitedBy).HasMaxLength(200);
            link.Property(l => l.AcceptedBy).HasMaxLength(200);
            link.Property(l => l.EndedBy).HasMaxLength(200);
            link.HasIndex(l => new { l.AgencyOrganisationId, l.ClientOrganisationId });
            link.HasIndex(l => l.ClientOrganisationId);
            link.HasOne<Organisation>().WithMany().HasForeignKey(l => l.AgencyOrganisationId).OnDelete(DeleteBehavior.Restrict);
            link.HasOne<Organisation>().WithMany().HasForeignKey(l => l.ClientOrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Agency.AgencyHandover>(handover =>
        {
            handover.Property(h => h.AgencyName).HasMaxLength(200);
            handover.Property(h => h.Campaign).HasMaxLength(200);
            handover.Property(h => h.Note).HasMaxLength(Agency.AgencyHandover.MaxNoteLength);
            handover.Property(h => h.DataOrigin).HasMaxLength(Agency.AgencyHandover.MaxOriginLength);
            handover.Property(h => h.HandedOverBy).HasMaxLength(200);
            // One hand-over per lead and link: handing the same lead over again answers with the first.
            handover.HasIndex(h => new { h.LinkId, h.AgencyLeadId }).IsUnique();
            handover.HasIndex(h => new { h.AgencyOrganisationId, h.HandedOverAt });
            handover.HasIndex(h => h.ClientLeadId);
            handover.HasOne<Agency.AgencyLink>().WithMany().HasForeignKey(h => h.LinkId).OnDelete(DeleteBehavior.Restrict);
            handover.HasOne<Lead>().WithMany().HasForeignKey(h => h.AgencyLeadId).OnDelete(DeleteBehavior.Restrict);
            handover.HasOne<Lead>().WithMany().HasForeignKey(h => h.ClientLeadId).OnDelete(DeleteBehavior.Restrict);
        });

        IdsAreMadeByTheDomain(builder);
    }

    /// <summary>An index filter in the SQL both providers share (they quote names alike).</summary>
    private static string NotNull(string column) => $"\"{column}\" IS NOT NULL";

    /// <summary>
    /// The domain makes its own ids (version 7 GUIDs), so an entity reached through a navigation with its id set is new,
    /// not an existing row: EF must not treat our ids as store-generated.
    /// </summary>
    private static void IdsAreMadeByTheDomain(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes().Where(e => e.ClrType.Namespace?.StartsWith("Leadgate", StringComparison.Ordinal) == true))
        {
            if (entity.FindPrimaryKey()?.Properties is [{ Name: "Id", ClrType: var type }] && type == typeof(Guid))
            {
                builder.Entity(entity.ClrType).Property("Id").ValueGeneratedNever();
            }
        }
    }

    /// <summary>Runs after <see cref="RouteNewMqlsAsync"/>, which detected the changes already.</summary>
    /// <summary>Stamps versions and audits stage changes and assignments; answers the stage events this save adds.</summary>
    private List<StageEvent> StampVersions()
    {
        List<Privacy.AuditEntry>? audit = null;
        List<StageEvent> stageEvents = [];
        foreach (var entry in ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                // The audit log's lines for stage changes and assignments are written with them, whichever use case made them.
                case StageEvent stage when entry.State == EntityState.Added:
                    stageEvents.Add(stage);
                    (audit ??= []).Add(Privacy.AuditEntry.Record(stage.OrganisationId, stage.ActorKind, stage.ActorUserId, stage.ActorName, "lead.stage_changed", "Lead", stage.LeadId, "stage", stage.At));
                    break;
                case Assignment assignment when entry.State == EntityState.Added:
                    (audit ??= []).Add(Privacy.AuditEntry.Record(assignment.OrganisationId, assignment.ActorUserId is null ? ActorKind.Rule : ActorKind.User, assignment.ActorUserId, assignment.ActorName, "lead.assigned", "Lead", assignment.LeadId, "ownerId", assignment.At));
                    break;
                case StageEvent when entry.State is EntityState.Modified or EntityState.Deleted:
                    throw new InvalidOperationException("Stage events are append-only.");
                case BehaviourEvent when entry.State is EntityState.Modified:
                    throw new InvalidOperationException("Behaviour events are append-only.");
                case Consent when entry.State is EntityState.Modified:
                    throw new InvalidOperationException("Consent records are append-only.");
                case Happening when entry.State is EntityState.Modified:
                    // Read and fanned-out marks are set with ExecuteUpdate; the happening itself never changes.
                    throw new InvalidOperationException("Happenings are append-only.");
                case DealChange when entry.State is EntityState.Modified or EntityState.Deleted:
                    throw new InvalidOperationException("A deal's history is append-only.");
                case Assignment when entry.State is EntityState.Modified or EntityState.Deleted:
                    throw new InvalidOperationException("Assignments are append-only.");
                case Privacy.AuditEntry when entry.State is EntityState.Modified or EntityState.Deleted:
                    throw new InvalidOperationException("The audit log is append-only.");
                case Lead or Deal when entry.State == EntityState.Modified:
                    var version = entry.Property(nameof(Lead.Version));
                    version.CurrentValue = (long)version.OriginalValue! + 1;
                    break;
            }
        }

        if (audit is not null)
        {
            AuditEntries.AddRange(audit);
        }

        return stageEvents;
    }
}
