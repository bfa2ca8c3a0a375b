namespace Leadgate.Web.Cli;

/// <summary>The administrative verbs of the `leadgate` command.</summary>
public static class LeadgateCli
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "serve", "orgs", "users", "apikeys", "demo", "--help", "-h", "-?", "--version" };

    public static bool IsVerb(string argument) => Verbs.Contains(argument);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args[0] == "serve")
        {
            var app = await Server.BuildAsync(args[1..]);
            await app.RunAsync();
            return 0;
        }

        await Console.Error.WriteLineAsync("Not implemented yet.");
        return 1;
    }
}
