using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Privacy;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate privacy export|erase</c>: a person's export and erasure, as the API makes them (docs/privacy.md).</summary>
internal static class PrivacyVerbs
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static Command Create(CliContext cli)
    {
        var organisation = new Option<string?>("--org") { Description = "The organisation's slug; may be left out when there is only one" };
        var email = new Option<string>("--email") { Description = "The person's e-mail address", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "The file to write; standard output when left out" };
        var export = new Command("export", "Everything held about one person, as one JSON document (recorded in the audit log)") { organisation, email, output };
        export.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var caller = await OperatorAsync(services, parse.GetValue(organisation), cancellationToken);
            if (caller.Error is { } noOrganisation)
            {
                return await cli.Console.FailAsync(noOrganisation);
            }

            var exported = await services.GetRequiredService<ExportPerson>().HandleAsync(parse.GetValue(email), caller.Value, cancellationToken);
            if (exported.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var text = JsonSerializer.Serialize(exported.Value, Json);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, text, new UTF8Encoding(false), cancellationToken);
                await cli.Console.Error.WriteLineAsync($"Exported the person to {file.FullName}.");
            }
            else
            {
                await cli.Console.Output.WriteLineAsync(text);
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        var reason = new Option<string>("--reason") { Description = "Why (such as the request's reference); kept in the audit log", DefaultValueFactory = _ => "Erasure request handled at the command line" };
        var eraseOrganisation = new Option<string?>("--org") { Description = "The organisation's slug; may be left out when there is only one" };
        var eraseEmail = new Option<string>("--email") { Description = "The person's e-mail address", Required = true };
        var erase = new Command("erase", "Erase a person: their personal data goes, their leads stay anonymous in the funnel, and their address is suppressed")
        {
            eraseOrganisation, eraseEmail, reason,
        };
        erase.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var caller = await OperatorAsync(services, parse.GetValue(eraseOrganisation), cancellationToken);
            if (caller.Error is { } noOrganisation)
            {
                return await cli.Console.FailAsync(noOrganisation);
            }

            var erased = await services.GetRequiredService<ErasePerson>().HandleAsync(
                new ErasureRequest { Email = parse.GetValue(eraseEmail), Reason = parse.GetValue(reason) }, caller.Value, cancellationToken);
            if (erased.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var e = erased.Value;
            await cli.Console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Erased: {e.Contacts} contact, {e.Leads} lead, {e.Deals} deal, {e.Activities} activity notes, {e.StageNotes} stage notes, {e.Events} events, {e.Consents} consents, {e.IdempotentResponses} stored answers, {e.WebhookDeliveries} webhook deliveries, {e.AgencyNotes} agency notes; the address is suppressed."));
            return ExitCodes.Ok;
        }, cancellationToken));

        return new Command("privacy", "A person's export and erasure (GDPR Art. 15, 17 and 20)") { export, erase };
    }

    /// <summary>The operator at the command line acts for the organisation as the system (the audit log says so).</summary>
    private static async Task<Result<Actor>> OperatorAsync(IServiceProvider services, string? organisation, CancellationToken cancellationToken)
    {
        var found = await services.GetRequiredService<Imports.ImportLeads>().ImporterAsync(organisation, cancellationToken);
        return found.Map(importer => Actor.ForSystem(importer.OrganisationId) with { Channel = Channel.Cli });
    }
}
