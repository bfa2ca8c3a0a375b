using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Leadgate.Web.Auth;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Api;

/// <summary>
/// The API's rate limit (OWASP ASVS 5.0 V2.4.1): requests per window, per API key, or per signed-in user when the call
/// comes with the sign-in cookie. Sized so that a normal integration never meets it and a runaway script does.
/// docs/configuration.md, docs/privacy.md.
/// </summary>
public sealed class ApiRateLimitOptions
{
    public const string Section = "RateLimits:Api";

    public bool Enabled { get; set; } = true;

    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 1_000;

    [Range(1, 3_600)]
    public int WindowSeconds { get; set; } = 10;
}

public static class RateLimits
{
    public const string Api = "api";

    /// <summary>The API's policy, and the one answer every refused request gets: a 429 problem with Retry-After.</summary>
    public static IServiceCollection AddLeadgateRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiRateLimitOptions>().Bind(configuration.GetSection(ApiRateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Api, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<ApiRateLimitOptions>>().Value;
                var caller = PartitionOf(http.User);
                return !options.Enabled || caller is null
                    ? RateLimitPartition.GetNoLimiter("")
                    // A sliding window of ten segments: a burst at the edge of a window cannot pass twice the limit.
                    : RateLimitPartition.GetSlidingWindowLimiter(caller, _ => new SlidingWindowRateLimiterOptions
                    {
                        PermitLimit = options.PermitLimit,
                        Window = TimeSpan.FromSeconds(options.WindowSeconds),
                        SegmentsPerWindow = 10,
                        QueueLimit = 0,
                    });
            });
            limiter.OnRejected = (context, _) =>
            {
                var http = context.HttpContext;
                var api = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Api;
                var options = http.RequestServices.GetRequiredService<IOptions<ApiRateLimitOptions>>().Value;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : api ? options.WindowSeconds : 60;
                http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                var detail = api
                    ? string.Create(CultureInfo.InvariantCulture, $"At most {options.PermitLimit:N0} requests every {options.WindowSeconds} seconds per API key or user; try again in {wait} seconds.")
                    : $"At most {IntakeApi.FormSubmitsPerMinute} submits a minute from one address to one form; try again in a minute.";
                return new ValueTask(Problems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests", detail));
            };
        });
    }

    /// <summary>The API key when the call came with one, else the signed-in user; null for an anonymous call (answered 401 anyway).</summary>
    private static string? PartitionOf(ClaimsPrincipal user) =>
        user.FindFirstValue(LeadgateClaims.ApiKey) is { } key ? "key:" + key
        : user.Identity?.IsAuthenticated == true && user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? "user:" + id
        : null;
}
