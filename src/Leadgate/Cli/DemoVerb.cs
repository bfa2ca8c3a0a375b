using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Leadgate.Demo;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate demo</c>: a demo organisation with its users and twelve months of leads, in the configured database.</summary>
internal static class DemoVerb
{
    public static Command Create(CliContext cli)
    {
        var organisation = new Option<string>("--org")
        {
            Description = "Slug of the new demo organisation; its users get addresses at <slug>.leadgate.dev",
            DefaultValueFactory = _ => DemoData.Slug,
        };
        var demo = new Command("demo", "Seed a demo organisation: a user per role, four sales reps, about 500 leads in every stage") { organisation };
        demo.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var slug = CliContext.Slug(parse.GetValue(organisation));
            var clock = Stopwatch.StartNew();
            var seeded = await cli.Console.WithProgressAsync("Seeding demo data", progress => DemoData.SeedAsync(services, slug, progress, cancellationToken));
            if (seeded.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var summary = seeded.Value;
            var output = cli.Console.Output;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Seeded '{summary.OrganisationSlug}' ({summary.OrganisationName}) in {clock.Elapsed.TotalSeconds:0.00} s: {summary.Users.Count} users, {summary.Leads} leads, {summary.Companies} companies, {summary.Activities} activities, {summary.StageEvents} stage events, {summary.Deals} deals."));
            await output.WriteLineAsync("Leads per stage: " + string.Join(", ", summary.LeadsPerStage.Select(s => $"{s.Key} {s.Value}")) + ".");
            await output.WriteLineAsync("Deals per stage: " + string.Join(", ", summary.DealsPerStage.Select(s => $"{s.Stage} {s.Deals}")) + ".");
            await output.WriteLineAsync(summary.Model is { } model
                ? string.Create(CultureInfo.InvariantCulture, $"Likelihood model version {model.Version} active: {model.Kind}, cross-validated AUC {model.Auc:0.000}, Brier {model.Brier:0.000}, on {model.ClosedLeads} closed leads ({model.ConvertedLeads} converted).")
                : $"No likelihood model: {summary.ModelRefused}");
            await output.WriteLineAsync($"Users (password {DemoData.Password}; do not seed demo users into a production organisation):");
            foreach (var user in summary.Users)
            {
                await output.WriteLineAsync($"  {user.Email,-32} {user.Role,-10} {user.DisplayName}");
            }

            if (summary.Agency is { } agency)
            {
                await output.WriteLineAsync($"Outreach agency '{agency.Slug}' ({agency.Name}), clients {string.Join(" and ", agency.Clients)}: {agency.Prospects} prospects, {agency.RepliesWaiting} replies waiting, {agency.HandedOver} handed over. Its users:");
                foreach (var user in agency.Users)
                {
                    await output.WriteLineAsync($"  {user.Email,-32} {user.Role,-10} {user.DisplayName}");
                }
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return demo;
    }
}
