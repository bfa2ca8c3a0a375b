using Leadgate.Client;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Leadgate.Tests.Infrastructure;

/// <summary>
/// The Kiota client generated from Client/openapi.json, on the test app's in-process server, for one member: Kiota's own
/// middleware (retry, redirect, headers inspection) in front of the response-contract check every API test has.
/// </summary>
public static class TypedClient
{
    public static LeadgateApiClient For(TestApp app, Member member)
    {
        var http = app.CreateDefaultClient([.. KiotaClientFactory.CreateDefaultHandlers(), new ResponseContractHandler(app.ContractAsync)]);
        var adapter = new HttpClientRequestAdapter(new ApiKeyAuthentication(member.ApiKey), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        };
        return new LeadgateApiClient(adapter);
    }

    /// <summary>Sends <c>Authorization: Bearer &lt;key&gt;</c>, as the document's ApiKey scheme says.</summary>
    private sealed class ApiKeyAuthentication(string key) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            request.Headers.TryAdd("Authorization", "Bearer " + key);
            return Task.CompletedTask;
        }
    }
}
