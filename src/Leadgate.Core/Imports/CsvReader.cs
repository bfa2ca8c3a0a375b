using System.Text;
using Leadgate.Common;

namespace Leadgate.Imports;

/// <summary>One record of a CSV file: its fields and the line it starts on (the header is line 1).</summary>
public sealed record CsvRecord(long Line, IReadOnlyList<string> Fields, FieldProblem? Problem);

/// <summary>
/// A streaming RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF, a byte-order mark,
/// and a comma, semicolon or tab delimiter recognised from the header line. It holds one record at a time, so a file of any
/// size reads in constant memory; a field or record beyond the limits is reported as a problem of that record instead of
/// being kept.
/// </summary>
public sealed class CsvReader
{
    public const int MaxFieldLength = 100_000;
    public const int MaxFields = 1_000;

    private const int BufferSize = 64 * 1024;

    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[BufferSize];
    private readonly StringBuilder _field = new();
    private int _length;
    private int _position;
    private long _line = 1;
    private bool _started;

    public CsvReader(TextReader reader) => _reader = reader;

    public char Delimiter { get; private set; } = ',';

    /// <summary>Reads the next record, skipping empty lines; null at the end of the file.</summary>
    public CsvRecord? Read()
    {
        if (!_started)
        {
            _started = true;
            Fill();
            if (_length > 0 && _buffer[0] == '\uFEFF')
            {
                _position = 1;
            }

            Delimiter = DetectDelimiter();
        }

        while (true)
        {
            if (!EnsureData())
            {
                return null;
            }

            var record = ReadRecord();
            if (record.Fields is [""] && record.Problem is null)
            {
                continue;
            }

            return record;
        }
    }

    private CsvRecord ReadRecord()
    {
        var start = _line;
        var fields = new List<string>();
        FieldProblem? problem = null;
        _field.Clear();
        var quoted = false;
        var atFieldStart = true;
        var fieldTooLong = false;

        void EndField()
        {
            if (fields.Count < MaxFields)
            {
                fields.Add(fieldTooLong ? "" : _field.ToString());
            }
            else
            {
                problem ??= FieldProblem.TooManyFields(MaxFields);
            }

            if (fieldTooLong)
            {
                problem ??= FieldProblem.FieldTooLong(MaxFieldLength);
            }

            _field.Clear();
            atFieldStart = true;
            fieldTooLong = false;
        }

        void Append(char c)
        {
            if (_field.Length < MaxFieldLength)
            {
                _field.Append(c);
            }
            else
            {
                fieldTooLong = true;
            }
        }

        while (EnsureData())
        {
            var c = _buffer[_position++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (!EnsureData())
                    {
                        quoted = false;
                        break;
                    }

                    if (_buffer[_position] == '"')
                    {
                        _position++;
                        Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }

                    Append(c);
                }

                continue;
            }

            if (c == '"' && atFieldStart)
            {
                quoted = true;
                atFieldStart = false;
            }
            else if (c == Delimiter)
            {
                EndField();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && EnsureData() && _buffer[_position] == '\n')
                {
                    _position++;
                }

                _line++;
                EndField();
                return new CsvRecord(start, fields, problem);
            }
            else
            {
                // A quote inside an unquoted field is kept as it is (lenient, as spreadsheet programs are).
                Append(c);
                atFieldStart = false;
            }
        }

        if (quoted)
        {
            problem ??= FieldProblem.QuoteNotClosed;
        }

        EndField();
        return new CsvRecord(start, fields, problem);
    }

    /// <summary>The delimiter that occurs most often outside quotes in the first line.</summary>
    private char DetectDelimiter()
    {
        int commas = 0, semicolons = 0, tabs = 0;
        var quoted = false;
        for (var i = _position; i < _length; i++)
        {
            var c = _buffer[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted)
            {
                if (c is '\n' or '\r')
                {
                    break;
                }

                commas += c == ',' ? 1 : 0;
                semicolons += c == ';' ? 1 : 0;
                tabs += c == '\t' ? 1 : 0;
            }
        }

        return semicolons > commas && semicolons >= tabs ? ';' : tabs > commas ? '\t' : ',';
    }

    private bool EnsureData()
    {
        if (_position < _length)
        {
            return true;
        }

        Fill();
        return _length > 0;
    }

    private void Fill()
    {
        _position = 0;
        _length = _reader.ReadBlock(_buffer, 0, _buffer.Length);
    }
}
