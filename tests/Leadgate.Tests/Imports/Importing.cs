using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Imports;
using Leadgate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Imports;

/// <summary>Runs the real <see cref="ImportLeads"/> as the organisation's import actor, in a scope of its own.</summary>
public static class Importing
{
    public static MemoryStream Csv(string csv) => new(Encoding.UTF8.GetBytes(csv));

    public static async Task<Result<ImportOutcome>> TryImportAsync(
        this TestApp app, Tenant tenant, string name, Stream content, string? mapping, bool allOrNothing, int batchSize, IProgress<ImportProgress>? progress, CancellationToken cancellationToken, int? commitRows = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var import = scope.ServiceProvider.GetRequiredService<ImportLeads>();
        import.BatchSize = batchSize;
        // A commit per batch unless a test asks otherwise, so a stop after a batch leaves that batch saved.
        import.CommitRows = commitRows ?? batchSize;
        await using (content)
        {
            return await import.HandleAsync(new ImportLeadsRequest(name, content, mapping, allOrNothing), Actor.ForImport(tenant.OrganisationId), progress, cancellationToken);
        }
    }
}
