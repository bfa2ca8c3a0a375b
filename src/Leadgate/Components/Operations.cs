using Leadgate.Accounts;
using Leadgate.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;

namespace Leadgate.Web.Components;

/// <summary>
/// How a component runs a use case: in a DI scope of its own (so a fresh DbContext per operation, never one per
/// circuit), as the signed-in user. The UI calls the same handlers as the API, in-process.
/// </summary>
public sealed class Operations(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Actor, Task<TResult>> operation)
        where THandler : notnull
    {
        var actor = await ActorAsync();
        await using var scope = scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<THandler>(), actor);
    }

    public async Task<Actor> ActorAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.ToActor(Channel.Ui) ?? throw new InvalidOperationException("Pages that run use cases require a signed-in member.");
    }
}
