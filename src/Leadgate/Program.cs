using Leadgate.Web;
using Leadgate.Web.Cli;

// `leadgate` with no verb (or with `serve`) runs the web app; the other verbs are administrative commands.
if (LeadgateCli.IsVerb(args))
{
    return await LeadgateCli.RunAsync(args);
}

var app = await Server.BuildAsync(args);
await app.RunAsync();
return 0;

/// <summary>The entry point, named so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
