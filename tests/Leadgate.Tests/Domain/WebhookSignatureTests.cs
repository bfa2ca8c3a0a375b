using System.Text;
using Leadgate.Intake;

namespace Leadgate.Tests.Domain;

/// <summary>R6: the signature check alone, with no server: the right secret, body and time pass; anything else does not.</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test-secret";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt-1","event":"replied","email":"femke@acme.nl"}""");

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void ASignatureMadeWithTheSecret_OverTheTimestampAndTheRawBody_IsValid()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(Secret, Seconds(Now), signature, Body, Now));
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(Secret, Seconds(Now), signature.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal), Body, Now));
    }

    [Fact]
    public void TheSignature_IsHmacSha256OfTimestampDotBody_InLowerCaseHex()
    {
        // The documented recipe, computed independently: what a sender in any language would do.
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = "sha256=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes(Seconds(Now) + "." + Encoding.UTF8.GetString(Body))));

        Assert.Equal(expected, WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body));
    }

    [Fact]
    public void AnyChange_ToTheBodyTheTimestampOrTheSecret_IsAMismatch()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var tampered = (byte[])Body.Clone();
        tampered[^2] ^= 0x01;

        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(Secret, Seconds(Now), signature, tampered, Now));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(Secret, Seconds(Now.AddSeconds(1)), signature, Body, Now));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(Secret + "x", Seconds(Now), signature, Body, Now));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(Secret, Seconds(Now), signature, [.. Body, (byte)' '], Now));
    }

    [Theory]
    [InlineData(-301, SignatureCheck.StaleTimestamp)]
    [InlineData(-360, SignatureCheck.StaleTimestamp)]
    [InlineData(301, SignatureCheck.FutureTimestamp)]
    [InlineData(360, SignatureCheck.FutureTimestamp)]
    [InlineData(-300, SignatureCheck.Valid)]
    [InlineData(300, SignatureCheck.Valid)]
    public void TheTimestamp_MustLieWithinFiveMinutesOfTheServerClock(int offsetSeconds, SignatureCheck expected)
    {
        var sentAt = Now.AddSeconds(offsetSeconds);
        var signature = WebhookSignature.Sign(Secret, sentAt.ToUnixTimeSeconds(), Body);

        Assert.Equal(expected, WebhookSignature.Verify(Secret, Seconds(sentAt), signature, Body, Now));
    }

    [Theory]
    [InlineData(null, "sha256=00", SignatureCheck.MissingHeaders)]
    [InlineData("1795000000", null, SignatureCheck.MissingHeaders)]
    [InlineData("-1795000000", "x", SignatureCheck.MalformedTimestamp)]
    [InlineData("1795000000.5", "x", SignatureCheck.MalformedTimestamp)]
    [InlineData(" 1795000000", "x", SignatureCheck.MalformedTimestamp)]
    [InlineData("99999999999999999999", "x", SignatureCheck.MalformedTimestamp)]
    [InlineData("١٧٩٥٠٠٠٠٠٠", "x", SignatureCheck.MalformedTimestamp)]
    public void MissingOrMalformedHeaders_AreRefused(string? timestamp, string? signature, SignatureCheck expected) =>
        Assert.Equal(expected, WebhookSignature.Verify(Secret, timestamp, signature, Body, Now));

    [Theory]
    [InlineData("sha1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256=000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public void ASignatureNotShapedAsSha256Hex_IsMalformed(string signature) =>
        Assert.Equal(SignatureCheck.MalformedSignature, WebhookSignature.Verify(Secret, Seconds(Now), signature, Body, Now));
}
