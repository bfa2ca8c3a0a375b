using System.Text.Json;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Cli;

/// <summary>Issue 19: `leadgate privacy export` writes a demo person's document; `leadgate privacy erase` erases them.</summary>
public sealed class PrivacyVerbTests(SqliteCliDatabase database) : IClassFixture<SqliteCliDatabase>
{
    [Fact]
    public async Task ExportThenErase_ADemoPerson_WritesTheirDocument_ThenLeavesNoTraceOfTheirAddress()
    {
        (await database.RunAsync("demo", "--org", "privacy-demo")).Succeeded();
        var email = await PersonWithActivitiesAsync();
        var file = Path.Combine(Path.GetTempPath(), $"person-{Guid.NewGuid():N}.json");
        try
        {
            (await database.RunAsync("privacy", "export", "--org", "privacy-demo", "--email", email, "--output", file)).Succeeded();
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
            Assert.Equal(email, json.RootElement.GetProperty("contact").GetProperty("email").GetString());
            var lead = json.RootElement.GetProperty("leads")[0];
            Assert.NotEmpty(lead.GetProperty("history").EnumerateArray());
            Assert.NotEmpty(lead.GetProperty("activities").EnumerateArray());

            var erased = (await database.RunAsync("privacy", "erase", "--org", "privacy-demo", "--email", email, "--reason", "ticket 7")).Succeeded();
            Assert.Contains("Erased: 1 contact, 1 lead", erased.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(email, erased.Output, StringComparison.OrdinalIgnoreCase);

            var again = await database.RunAsync("privacy", "export", "--org", "privacy-demo", "--email", email);
            Assert.Equal(3, again.ExitCode);
            await using var app = await database.ServicesAsync();
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
            Assert.False(await db.Contacts.AnyAsync(c => c.Email == email, TestContext.Current.CancellationToken));
            Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Entity == "Person" && a.ActorKind == Leadgate.Privacy.AuditActorKind.System, TestContext.Current.CancellationToken));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<string> PersonWithActivitiesAsync()
    {
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        return await db.Leads.Where(l => db.Activities.Any(a => a.LeadId == l.Id)).OrderBy(l => l.Id).Select(l => l.Contact.Email).FirstAsync(TestContext.Current.CancellationToken);
    }
}
