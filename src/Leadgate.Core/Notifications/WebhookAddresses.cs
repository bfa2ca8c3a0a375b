using System.Net;
using System.Net.Sockets;

namespace Leadgate.Notifications;

/// <summary>Settings of outbound webhooks (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Lets deliveries reach loopback, private, link-local and other reserved addresses. Off by default: an organisation's
    /// admin chooses the addresses, and must not reach the server's own network through them (SSRF).
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}

/// <summary>Thrown by <see cref="WebhookAddresses.ConnectAsync"/> when every address of a receiver's host is refused.</summary>
public sealed class WebhookAddressRefusedException : Exception
{
    public WebhookAddressRefusedException()
        : base("Every address of the receiver's host is loopback, private, link-local or otherwise reserved.")
    {
    }

    public WebhookAddressRefusedException(string message)
        : base(message)
    {
    }

    public WebhookAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Which addresses outbound webhooks may connect to: public ones only, unless <see cref="WebhookOptions.AllowPrivateNetworks"/>.
/// Checked where the connection is made (<see cref="ConnectAsync"/>), against the addresses the host resolves to at
/// that moment, so a name whose DNS answer changes (rebinding) cannot lead inside; registration refuses only what it
/// can see without a lookup (<see cref="IsRefusedHost"/>).
/// </summary>
public static class WebhookAddresses
{
    /// <summary>Loopback, private, link-local (cloud metadata), shared, multicast, documentation and other reserved ranges.</summary>
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"), // "this network", including the unspecified address
        IPNetwork.Parse("10.0.0.0/8"), // private (RFC 1918)
        IPNetwork.Parse("100.64.0.0/10"), // carrier-grade NAT (RFC 6598)
        IPNetwork.Parse("127.0.0.0/8"), // loopback
        IPNetwork.Parse("169.254.0.0/16"), // link-local, including 169.254.169.254 (cloud metadata)
        IPNetwork.Parse("172.16.0.0/12"), // private (RFC 1918)
        IPNetwork.Parse("192.0.0.0/24"), // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"), // documentation
        IPNetwork.Parse("192.88.99.0/24"), // 6to4 relay anycast
        IPNetwork.Parse("192.168.0.0/16"), // private (RFC 1918)
        IPNetwork.Parse("198.18.0.0/15"), // benchmarking
        IPNetwork.Parse("198.51.100.0/24"), // documentation
        IPNetwork.Parse("203.0.113.0/24"), // documentation
        IPNetwork.Parse("224.0.0.0/4"), // multicast
        IPNetwork.Parse("240.0.0.0/4"), // reserved, including the broadcast address 255.255.255.255
        IPNetwork.Parse("::/96"), // unspecified, loopback and the deprecated IPv4-compatible forms
        IPNetwork.Parse("100::/64"), // discard
        IPNetwork.Parse("2001:db8::/32"), // documentation
        IPNetwork.Parse("fc00::/7"), // unique local
        IPNetwork.Parse("fe80::/10"), // link-local
        IPNetwork.Parse("fec0::/10"), // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"), // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Whether a delivery may connect to <paramref name="address"/> with private networks disallowed.</summary>
    public static bool IsAllowed(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // An IPv6 form that carries an IPv4 address is judged by that address.
            if (address.IsIPv4MappedToIPv6)
            {
                return IsAllowed(address.MapToIPv4());
            }

            var bytes = address.GetAddressBytes();
            if (Nat64.Contains(address))
            {
                return IsAllowed(new IPAddress(bytes.AsSpan(12, 4)));
            }

            if (SixToFour.Contains(address))
            {
                return IsAllowed(new IPAddress(bytes.AsSpan(2, 4)));
            }
        }

        return !Refused.Any(network => network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address));
    }

    /// <summary>
    /// Whether a subscription's address is refused at registration: <c>localhost</c> (and its sub-domains) or a literal IP
    /// that <see cref="IsAllowed"/> refuses. Names are not looked up here; the connection checks what they resolve to.
    /// </summary>
    public static bool IsRefusedHost(Uri address)
    {
        if (address.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return !IPAddress.TryParse(address.DnsSafeHost, out var literal) || !IsAllowed(literal);
        }

        var host = address.DnsSafeHost.TrimEnd('.');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the host, keeps only the allowed addresses and connects
    /// to one of them; when none is left it throws <see cref="WebhookAddressRefusedException"/>, which the handler wraps in
    /// an <see cref="HttpRequestException"/>.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.TrimStart('[').TrimEnd(']');
        var resolved = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = resolved.Where(IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new WebhookAddressRefusedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The handler of the webhook client: no redirects (one could point inside), and, unless allowed, only public addresses.</summary>
    public static SocketsHttpHandler Handler(WebhookOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (!options.AllowPrivateNetworks)
        {
            // Through a proxy the callback would only see the proxy's address, not the receiver's.
            handler.UseProxy = false;
            handler.ConnectCallback = ConnectAsync;
        }

        return handler;
    }
}
