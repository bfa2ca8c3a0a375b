using Leadgate.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Privacy;

/// <summary>
/// An organisation's retention rules (docs/privacy.md): how many months without activity a lead is kept in a stage
/// before its person is anonymised, per rule (null: the rule is off); and the state of the sweep that applies them, claimed
/// by one app instance at a time with a lease.
/// </summary>
public sealed class RetentionPolicy
{
    public const int MaxMonths = 240;

    private RetentionPolicy()
    {
        ChangedBy = "";
    }

    public Guid OrganisationId { get; private set; }

    /// <summary>Disqualified leads untouched for this many months.</summary>
    public int? DisqualifiedMonths { get; private set; }

    /// <summary>Nurture leads (sent back to marketing, or a lost deal) without activity for this many months.</summary>
    public int? NurtureMonths { get; private set; }

    /// <summary>Leads that never got past IQL, without activity for this many months.</summary>
    public int? IqlMonths { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public string ChangedBy { get; private set; }

    /// <summary>When the last sweep finished; null until one has.</summary>
    public DateTimeOffset? SweptAt { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    internal static RetentionPolicy For(Guid organisationId) => new() { OrganisationId = organisationId };

    /// <summary>Sets the rules; answers the names of the ones that changed (for the audit log).</summary>
    internal List<string> Change(RetentionRules rules, string by, DateTimeOffset at)
    {
        List<string> changed = [];
        if (DisqualifiedMonths != rules.DisqualifiedAfterMonths)
        {
            changed.Add("disqualifiedAfterMonths");
        }

        if (NurtureMonths != rules.NurtureAfterMonths)
        {
            changed.Add("nurtureAfterMonths");
        }

        if (IqlMonths != rules.IqlAfterMonths)
        {
            changed.Add("iqlAfterMonths");
        }

        DisqualifiedMonths = rules.DisqualifiedAfterMonths;
        NurtureMonths = rules.NurtureAfterMonths;
        IqlMonths = rules.IqlAfterMonths;
        ChangedBy = by.Length > 200 ? by[..200] : by;
        ChangedAt = at;
        return changed;
    }

    public RetentionRules Rules => new() { DisqualifiedAfterMonths = DisqualifiedMonths, NurtureAfterMonths = NurtureMonths, IqlAfterMonths = IqlMonths };

    internal static void Configure(ModelBuilder builder) => builder.Entity<RetentionPolicy>(policy =>
    {
        policy.HasKey(p => p.OrganisationId);
        policy.Property(p => p.ChangedBy).HasMaxLength(200);
        policy.Property(p => p.LeaseOwner).HasMaxLength(200);
        policy.HasOne<Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    });
}
