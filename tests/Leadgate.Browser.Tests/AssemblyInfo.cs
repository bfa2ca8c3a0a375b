using Leadgate.Browser.Tests.Infrastructure;

// One real server and one Chromium for the whole run; tests take turns, so the first Blazor circuit's start-up and a
// slow CI machine never make two tests race for the same page.
[assembly: AssemblyFixture(typeof(LeadgateServer))]
[assembly: AssemblyFixture(typeof(BrowserFixture))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
