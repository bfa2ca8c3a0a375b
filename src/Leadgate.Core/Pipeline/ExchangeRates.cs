using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record ExchangeRateView(string Currency, decimal Rate, DateTimeOffset ChangedAt);

/// <summary>The organisation's currency and the rates its totals convert other currencies with.</summary>
public sealed record ExchangeRatesView(string OrganisationCurrency, IReadOnlyList<ExchangeRateView> Rates);

public sealed record ExchangeRateSetting
{
    [Required]
    [MaxLength(3)]
    public string? Currency { get; set; }

    /// <summary>What one unit of the currency is worth in the organisation's currency.</summary>
    [Required]
    public decimal? Rate { get; set; }
}

/// <summary>The whole list of rates: a currency left out has no rate any more.</summary>
public sealed record ChangeExchangeRatesRequest
{
    [Required]
    public IReadOnlyList<ExchangeRateSetting>? Rates { get; set; }
}

public sealed class GetExchangeRates(LeadgateDbContext db)
{
    public async Task<ExchangeRatesView> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var currency = await db.Organisations.AsNoTracking().Where(o => o.Id == actor.OrganisationId).Select(o => o.DefaultCurrency).FirstAsync(cancellationToken);
        var rates = await db.ExchangeRates.AsNoTracking().Where(r => r.OrganisationId == actor.OrganisationId).OrderBy(r => r.Currency)
            .Select(r => new ExchangeRateView(r.Currency, r.Rate, r.ChangedAt)).ToListAsync(cancellationToken);
        return new ExchangeRatesView(currency, rates);
    }

    /// <summary>The rates by currency, the organisation's own currency at 1.</summary>
    public static async Task<(string Currency, IReadOnlyDictionary<string, decimal> Rates)> RatesAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        var currency = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.DefaultCurrency).FirstAsync(cancellationToken);
        var rates = await db.ExchangeRates.AsNoTracking().Where(r => r.OrganisationId == organisationId).ToDictionaryAsync(r => r.Currency, r => r.Rate, StringComparer.Ordinal, cancellationToken);
        rates[currency] = 1m;
        return (currency, rates);
    }
}

/// <summary>An admin replaces the organisation's exchange rates.</summary>
public sealed class ChangeExchangeRates(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<ExchangeRatesView>> HandleAsync(ChangeExchangeRatesRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Admin))
        {
            return new Forbidden("Only an admin keeps the exchange rates.");
        }

        if (request.Rates is not { } settings)
        {
            return Invalid.Field("rates", "The list of rates is required (an empty list removes them all).");
        }

        var own = await db.Organisations.AsNoTracking().Where(o => o.Id == actor.OrganisationId).Select(o => o.DefaultCurrency).FirstAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var parsed = new Dictionary<string, decimal>(StringComparer.Ordinal);
        for (var i = 0; i < settings.Count; i++)
        {
            var currency = Currencies.Parse(settings[i].Currency, $"rates[{i}].currency");
            if (currency.Error is Invalid invalid)
            {
                foreach (var (field, messages) in invalid.Errors)
                {
                    errors[field] = messages;
                }
            }
            else if (currency.Value == own)
            {
                errors[$"rates[{i}].currency"] = [$"{own} is the organisation's own currency; its rate is always 1."];
            }
            else if (!parsed.TryAdd(currency.Value, settings[i].Rate ?? 0))
            {
                errors[$"rates[{i}].currency"] = [$"{currency.Value} is listed twice."];
            }

            if (settings[i].Rate is not (> 0 and <= 1_000_000m))
            {
                errors[$"rates[{i}].rate"] = ["A rate greater than 0 and at most 1,000,000."];
            }
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var stored = await db.ExchangeRates.Where(r => r.OrganisationId == actor.OrganisationId).ToListAsync(cancellationToken);
        db.ExchangeRates.RemoveRange(stored.Where(r => !parsed.ContainsKey(r.Currency)));
        foreach (var (currency, rate) in parsed)
        {
            if (stored.Find(r => r.Currency == currency) is { } existing)
            {
                existing.Change(rate, now);
            }
            else
            {
                db.ExchangeRates.Add(ExchangeRate.Create(actor.OrganisationId, currency, rate, now));
            }
        }

        db.AuditEntries.Add(Privacy.AuditEntry.SettingsChanged(actor, "exchange_rates", now));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : await new GetExchangeRates(db).HandleAsync(actor, cancellationToken);
    }
}
