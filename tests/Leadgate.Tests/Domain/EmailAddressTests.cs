using Leadgate.Common;

namespace Leadgate.Tests.Domain;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("ada@example.com", "ada@example.com")]
    [InlineData("  Ada.Lovelace@Example.COM \t", "ada.lovelace@example.com")]
    [InlineData("first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk")]
    [InlineData("o'brien@example.ie", "o'brien@example.ie")]
    public void Parse_AValidAddress_IsTrimmedAndLowerCased(string text, string expected)
    {
        var email = Given.Succeeds(EmailAddress.Parse(text));

        Assert.Equal(expected, email.Value);
        Assert.Equal(expected, email.ToString());
    }

    [Fact]
    public void Parse_TheSameAddressInAnotherCase_IsEqual() =>
        Assert.Equal(EmailAddress.Parse("ADA@EXAMPLE.COM").Value, EmailAddress.Parse("ada@example.com").Value);

    [Fact]
    public void Domain_IsThePartAfterTheAt() =>
        Assert.Equal("example.co.uk", EmailAddress.Parse("Ada@Example.co.uk").Value.Domain);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_NothingGiven_IsInvalidSayingTheAddressIsRequired(string? text)
    {
        var invalid = Given.Fails<EmailAddress, Invalid>(EmailAddress.Parse(text));

        Assert.Equal(["An e-mail address is required."], invalid.Errors["email"]);
        Assert.False(EmailAddress.TryParse(text, out _));
    }

    [Theory]
    [InlineData("ada")]
    [InlineData("ada@")]
    [InlineData("@example.com")]
    [InlineData("ada@example")]
    [InlineData("ada@@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("ada@-example.com")]
    [InlineData("ada@example-.com")]
    [InlineData("ada@example.c")]
    [InlineData("ada@exa mple.com")]
    public void Parse_SomethingThatIsNoAddress_IsInvalidNamingTheField(string text)
    {
        var invalid = Given.Fails<EmailAddress, Invalid>(EmailAddress.Parse(text, "contactEmail"));

        Assert.Equal(["contactEmail"], invalid.Errors.Keys);
        Assert.False(EmailAddress.TryParse(text, out _));
    }

    [Fact]
    public void Parse_AnAddressLongerThanTheLimit_IsInvalid()
    {
        var local = new string('a', 64);
        var domain = string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com";
        var tooLong = $"{local}@{domain}";
        Assert.True(tooLong.Length > EmailAddress.MaxLength);

        Given.Fails<EmailAddress, Invalid>(EmailAddress.Parse(tooLong));
    }
}
