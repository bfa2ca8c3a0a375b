using System.Net;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Issue 19, acceptance 6: a key that exceeds its limit gets 429 with Retry-After; other keys are unaffected.</summary>
public abstract class RateLimitTests(TestApp app)
{
    [Fact]
    public async Task AKeyOverItsLimit_Gets429WithRetryAfter_AndAnotherKeyIsUnaffected()
    {
        var tenant = await app.NewTenantAsync();

        for (var i = 0; i < SmallLimit.PerWindow; i++)
        {
            (await tenant.Sales.ListLeadsAsync()).Expect(HttpStatusCode.OK);
        }

        var refused = (await tenant.Sales.ListLeadsAsync()).Expect(HttpStatusCode.TooManyRequests);
        Assert.Equal("https://leadgate.dev/problems/rate-limited", refused.Str("type"));
        var retryAfter = refused.Message.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(SmallLimit.WindowSeconds));
        Assert.Contains($"every {SmallLimit.WindowSeconds} seconds", refused.Str("detail"), StringComparison.Ordinal);
        (await tenant.Marketing.ListLeadsAsync()).Expect(HttpStatusCode.OK);
        (await tenant.Sales2.ListLeadsAsync()).Expect(HttpStatusCode.OK);
    }
}

/// <summary>An app whose API allows few requests per key, so the limit is met in a test.</summary>
internal static class SmallLimit
{
    public const int PerWindow = 5;

    /// <summary>Long enough that a slow, loaded run cannot let the first requests slide out of the window before the sixth.</summary>
    public const int WindowSeconds = 600;
}

public sealed class SmallLimitSqliteApp : SqliteApp
{
    protected override int RateLimitPerWindow => SmallLimit.PerWindow;

    protected override int RateLimitWindowSeconds => SmallLimit.WindowSeconds;
}

public sealed class SmallLimitPostgresApp(PostgresServer server) : PostgresApp(server)
{
    protected override int RateLimitPerWindow => SmallLimit.PerWindow;

    protected override int RateLimitWindowSeconds => SmallLimit.WindowSeconds;
}

public sealed class RateLimitTests_Sqlite(SmallLimitSqliteApp app) : RateLimitTests(app), IClassFixture<SmallLimitSqliteApp>;

public sealed class RateLimitTests_Postgres(SmallLimitPostgresApp app) : RateLimitTests(app), IClassFixture<SmallLimitPostgresApp>;
