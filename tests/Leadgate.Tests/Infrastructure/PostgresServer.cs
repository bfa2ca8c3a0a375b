using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Leadgate.Tests.Infrastructure;
using Npgsql;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Leadgate.Tests.Infrastructure;

/// <summary>
/// One throw-away PostgreSQL server for the whole test run: its own data directory under the temp folder, a free port on
/// 127.0.0.1, trust authentication for the user <c>postgres</c>, and durability switched off because nothing here needs
/// to survive a crash. Tests ask it for a fresh database each, so they never see each other's rows.
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    private const string SuperUser = "postgres";
    private const string InstallRoot = "/usr/lib/postgresql";
    private const string RootPrefix = "leadgate-pg-";
    private const string OwnerFile = "owner.pid";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private string? _root;
    private string? _dataDirectory;
    private string? _binDirectory;

    public int Port { get; private set; }

    /// <summary>The server's own directory (its data, socket and log), once started.</summary>
    internal string? Root => _root;

    /// <summary>The connection string for a database on this server (create it first with <see cref="CreateDatabaseAsync"/>).</summary>
    public string ConnectionString(string database)
    {
        if (Port == 0)
        {
            throw new InvalidOperationException("The PostgreSQL test server has not been started.");
        }

        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Database = database,
            IncludeErrorDetail = true,
            Timeout = 15,
        }.ConnectionString;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a plain database name (lower-case letters, digits and _, at most 63).", nameof(name));
        }

        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    public async ValueTask InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        await StopOrphansAsync();
        _root = Path.Combine(Path.GetTempPath(), RootPrefix + Guid.NewGuid().ToString("N")[..12]);
        _dataDirectory = Path.Combine(_root, "data");
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(Path.Combine(_root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (Environment.IsPrivilegedProcess)
        {
            // PostgreSQL refuses to run as root: the server runs as the postgres OS user, which must own its directory.
            await RunAsync("chown", [$"{SuperUser}:{SuperUser}", _root], asPostgres: false);
        }

        await RunAsync(
            Path.Combine(_binDirectory, "initdb"),
            ["-D", _dataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"],
            asPostgres: true);

        // A port picked free can be taken before the server binds it; try a few before giving up.
        Exception? lastFailure = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreePort();
            try
            {
                await StartAsync();
                await WaitUntilAcceptingAsync();
                return;
            }
            catch (InvalidOperationException failure)
            {
                lastFailure = failure;
                await StopAsync();
            }
        }

        throw new InvalidOperationException("The PostgreSQL test server did not start.", lastFailure);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>
    /// Stops the servers of test runs whose test host is gone, and removes their directories; answers how many. A host that
    /// was killed (a stopped CI job, a timeout) never stopped its server, which kept its port, its memory and every file the
    /// host had open — a lock a later build waited on. Each server's directory names its host's process (owner.pid); a
    /// server whose host still runs is another test run's, and is left alone.
    /// </summary>
    internal async Task<int> StopOrphansAsync()
    {
        _binDirectory ??= FindBinDirectory();
        var stopped = 0;
        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), RootPrefix + "*"))
        {
            var owner = Path.Combine(root, OwnerFile);
            if (!File.Exists(owner) || !int.TryParse(await File.ReadAllTextAsync(owner), CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            var data = Path.Combine(root, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                try
                {
                    await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], asPostgres: true);
                }
                catch (InvalidOperationException)
                {
                    // The server had stopped already (a machine restart leaves its pid file behind).
                }
            }

            Directory.Delete(root, recursive: true);
            stopped++;
        }

        return stopped;
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists(InstallRoot)
            ? Directory.GetDirectories(InstallRoot)
                .Select(dir => (Dir: dir, Version: decimal.TryParse(Path.GetFileName(dir), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(c => c.Version >= 0 && File.Exists(Path.Combine(c.Dir, "bin", "initdb")) && File.Exists(Path.Combine(c.Dir, "bin", "pg_ctl")) && File.Exists(Path.Combine(c.Dir, "bin", "postgres")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? Path.Combine(candidates[0].Dir, "bin")
            : throw new InvalidOperationException(
                $"No PostgreSQL server binaries (initdb, pg_ctl, postgres) under {InstallRoot}/*/bin. " +
                "Run ./test.sh from the repository root: it installs them (apt-get install postgresql) before running the tests.");
    }

    private async Task StartAsync()
    {
        var options = string.Join(' ',
            "-c listen_addresses=127.0.0.1",
            $"-p {Port}",
            $"-k {_root}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200");
        await RunAsync(
            Path.Combine(_binDirectory!, "pg_ctl"),
            ["-D", _dataDirectory!, "-l", Path.Combine(_root!, "server.log"), "-o", options, "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "start"],
            asPostgres: true);
    }

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException failure)
            {
                throw new InvalidOperationException($"PostgreSQL on port {Port} does not accept connections. Server log:\n{ServerLog()}", failure);
            }
        }
    }

    private async Task StopAsync()
    {
        if (_dataDirectory is null || !File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], asPostgres: true);
    }

    private string ServerLog()
    {
        var log = _root is null ? null : Path.Combine(_root, "server.log");
        return log is not null && File.Exists(log) ? File.ReadAllText(log) : "(no server log)";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            start.FileName = "runuser";
            foreach (var argument in new[] { "-u", SuperUser, "--", fileName })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout * 2);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} did not finish in time.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await output}\n{await error}\nServer log:\n{ServerLog()}");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
