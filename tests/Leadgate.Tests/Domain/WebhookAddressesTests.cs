using System.Net;
using Leadgate.Notifications;

namespace Leadgate.Tests.Domain;

/// <summary>Outbound webhooks reach only the public internet: the address filter, and what registration refuses without a lookup.</summary>
public sealed class WebhookAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1")] // loopback
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.5")] // RFC 1918
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.10")]
    [InlineData("169.254.169.254")] // link-local: cloud metadata
    [InlineData("100.64.0.1")] // carrier-grade NAT
    [InlineData("100.127.255.255")]
    [InlineData("0.0.0.0")] // unspecified
    [InlineData("0.1.2.3")]
    [InlineData("224.0.0.1")] // multicast
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")] // broadcast
    [InlineData("240.0.0.1")]
    [InlineData("192.0.2.10")] // documentation
    [InlineData("198.18.0.1")] // benchmarking
    [InlineData("::")] // unspecified
    [InlineData("::1")] // loopback
    [InlineData("fc00::1")] // unique local
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")] // link-local
    [InlineData("febf:ffff::1")]
    [InlineData("ff02::1")] // multicast
    [InlineData("2001:db8::1")] // documentation
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped forms of refused IPv4 addresses
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.5")]
    [InlineData("::ffff:192.168.0.1")]
    [InlineData("::127.0.0.1")] // IPv4-compatible (deprecated)
    [InlineData("64:ff9b::a00:5")] // NAT64 of 10.0.0.5
    [InlineData("2002:a9fe:a9fe::1")] // 6to4 of 169.254.169.254
    public void AnAddressOffThePublicInternet_IsRefused(string address) =>
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("100.63.255.255")] // just below carrier-grade NAT
    [InlineData("100.128.0.0")] // just above it
    [InlineData("172.15.255.255")] // just below 172.16/12
    [InlineData("172.32.0.0")] // just above it
    [InlineData("169.253.255.255")]
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001::200e")]
    [InlineData("::ffff:8.8.8.8")] // IPv4-mapped public address
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    public void APublicAddress_IsAllowed(string address) =>
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:5432/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.5/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://0x7f000001/")] // another spelling of 127.0.0.1
    [InlineData("http://2130706433/")] // and another
    [InlineData("http://localhost:8080/hook")]
    [InlineData("https://LOCALHOST./")]
    [InlineData("https://api.localhost/")]
    public void Registration_RefusesLocalhostAndLiteralAddressesOffThePublicInternet(string url) =>
        Assert.True(WebhookAddresses.IsRefusedHost(new Uri(url)));

    [Theory]
    [InlineData("https://crm.example.com/hooks")]
    [InlineData("https://93.184.215.14/hooks")]
    [InlineData("https://[2606:4700:4700::1111]/hooks")]
    [InlineData("https://localhost.example.com/")] // a public name that merely starts with the word
    [InlineData("https://internal.corp/")] // a name: judged by its DNS answer when connecting, not here
    public void Registration_TakesPublicAddressesAndAnyOtherName(string url) =>
        Assert.False(WebhookAddresses.IsRefusedHost(new Uri(url)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheWebhookClient_NeverFollowsARedirect_AndChecksEveryConnectionUnlessPrivateNetworksAreAllowed(bool allowPrivateNetworks)
    {
        using var handler = WebhookAddresses.Handler(new WebhookOptions { AllowPrivateNetworks = allowPrivateNetworks });

        Assert.False(handler.AllowAutoRedirect);
        Assert.Equal(allowPrivateNetworks, handler.ConnectCallback is null);
        Assert.Equal(allowPrivateNetworks, handler.UseProxy);
    }
}
