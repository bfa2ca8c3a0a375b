using System.Text;
using Leadgate.Imports;

namespace Leadgate.Tests.Imports;

/// <summary>The CSV reader on the cases real exports and broken files contain.</summary>
public sealed class CsvReaderTests
{
    private static List<CsvRecord> Read(string text)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray());
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvReader(reader);
        var records = new List<CsvRecord>();
        while (csv.Read() is { } record)
        {
            records.Add(record);
        }

        return records;
    }

    [Fact]
    public void QuotedFields_KeepDelimitersDoubledQuotesAndLineBreaks_AndLinesCountFromTheRecordsStart()
    {
        var records = Read("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"one\r\ntwo\"\r\nlast,row,here\r\n");

        Assert.Equal(["x, y", "say \"hi\"", "one\r\ntwo"], records[1].Fields);
        Assert.Equal([1L, 2L, 4L], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Null(r.Problem));
    }

    [Fact]
    public void AByteOrderMark_IsNotPartOfTheFirstColumnName()
    {
        var records = Read("Email,Name\nx@example.com,X\n");

        Assert.Equal("Email", records[0].Fields[0]);
    }

    [Theory]
    [InlineData("Email;First Name;Company\nx@example.com;X;\"A; B\"\n", ';')]
    [InlineData("Email,First Name,Company\nx@example.com,X,\"A, B\"\n", ',')]
    [InlineData("Email\tFirst Name\tCompany\nx@example.com\tX\t\"A, B\"\n", '\t')]
    [InlineData("\"Email;x\",First Name,Company\nx@example.com,X,\"A, B\"\n", ',')]
    public void TheDelimiter_IsRecognisedFromTheHeaderOutsideQuotes(string text, char delimiter)
    {
        using var reader = new StringReader(text);
        var csv = new CsvReader(reader);

        var header = csv.Read()!;
        var row = csv.Read()!;

        Assert.Equal(delimiter, csv.Delimiter);
        Assert.Equal(3, header.Fields.Count);
        Assert.Equal("x@example.com", row.Fields[0]);
        Assert.Equal(3, row.Fields.Count);
    }

    [Fact]
    public void RaggedRowsAndEmptyLines_AreReadAsTheyAre_AndALastLineWithoutBreakCounts()
    {
        var records = Read("a,b,c\n\n1,2\n\r\n1,2,3,4\n,,\nend");

        Assert.Equal([["a", "b", "c"], ["1", "2"], ["1", "2", "3", "4"], ["", "", ""], ["end"]], records.Select(r => r.Fields.ToArray()));
        Assert.Equal([1L, 3L, 5L, 6L, 7L], records.Select(r => r.Line));
    }

    [Fact]
    public void AnUnclosedQuote_IsAProblemOfItsRecord_NotAnException()
    {
        var records = Read("a,b\n1,\"open\n2,3\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(("csv.quoteNotClosed", "A quoted field is not closed before the end of the file."), (records[1].Problem?.Code, records[1].Problem?.Message));
        Assert.Equal(2, records[1].Line);
    }

    [Fact]
    public void AHugeField_IsAProblemOfItsRecord_AndIsNotKept_AndTheNextRecordReadsNormally()
    {
        var huge = new string('x', CsvReader.MaxFieldLength + 10);
        var records = Read($"a,b\n1,\"{huge}\"\n2,3\n");

        Assert.Equal(("csv.fieldTooLong", "A field is longer than 100,000 characters.", "100000"), (records[1].Problem?.Code, records[1].Problem?.Message, string.Join(",", records[1].Problem!.Arguments)));
        Assert.Equal("", records[1].Fields[1]);
        Assert.Equal(["2", "3"], records[2].Fields);
        Assert.Null(records[2].Problem);
    }

    [Fact]
    public void AQuoteInsideAnUnquotedField_IsKept()
    {
        var records = Read("a,b\n5'11\",=HYPERLINK(\"x\")\n");

        Assert.Equal(["5'11\"", "=HYPERLINK(\"x\")"], records[1].Fields);
    }

    [Fact]
    public void RecordsAcrossTheBufferBoundary_AreReadWhole()
    {
        var row = "someone@example.com," + new string('n', 97) + "\r\n";
        var text = "Email,Name\r\n" + string.Concat(Enumerable.Repeat(row, 2_000));

        var records = Read(text);

        Assert.Equal(2_001, records.Count);
        Assert.All(records.Skip(1), r => Assert.Equal(["someone@example.com", new string('n', 97)], r.Fields));
        Assert.Equal(2_001L, records[^1].Line);
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(5);
        var alphabet = "ab,;\"\r\n\t \u00e9\uFEFF";
        for (var round = 0; round < 500; round++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 400)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var records = Read(text);
            Assert.All(records, r => Assert.True(r.Line >= 1));
        }
    }
}
